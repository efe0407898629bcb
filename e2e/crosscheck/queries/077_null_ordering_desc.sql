SELECT c_custkey, t.order_count
FROM customer
LEFT JOIN (SELECT o_custkey, COUNT(*) AS order_count FROM orders GROUP BY o_custkey) t
  ON t.o_custkey = c_custkey
WHERE c_custkey <= 30
ORDER BY t.order_count DESC, c_custkey;
