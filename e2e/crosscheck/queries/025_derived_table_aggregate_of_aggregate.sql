SELECT c_mktsegment, COUNT(*) AS customers, AVG(order_count) AS avg_orders,
       MAX(order_count) AS max_orders, SUM(order_count) AS all_orders
FROM (
    SELECT c_custkey, c_mktsegment, COUNT(o_orderkey) AS order_count
    FROM customer LEFT JOIN orders ON o_custkey = c_custkey
    GROUP BY c_custkey, c_mktsegment
) t
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
