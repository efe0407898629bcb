SELECT c_custkey, c_name,
       (SELECT MAX(o_totalprice) FROM orders WHERE o_custkey = c_custkey) AS max_order,
       (SELECT COUNT(*) FROM orders WHERE o_custkey = c_custkey) AS order_count
FROM customer
WHERE c_custkey <= 15
ORDER BY c_custkey;
