SELECT o_custkey, MIN(o_orderdate) AS first_order, MAX(o_orderdate) AS last_order,
       COUNT(*) AS order_count
FROM orders
WHERE o_custkey < 40
GROUP BY o_custkey
ORDER BY first_order, o_custkey;
