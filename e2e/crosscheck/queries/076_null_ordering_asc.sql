SELECT c_custkey, t.last_order
FROM customer
LEFT JOIN (SELECT o_custkey, MAX(o_orderdate) AS last_order FROM orders GROUP BY o_custkey) t
  ON t.o_custkey = c_custkey
WHERE c_custkey <= 30
ORDER BY t.last_order, c_custkey;
