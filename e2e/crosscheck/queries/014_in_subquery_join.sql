SELECT o_orderpriority, COUNT(*) AS order_count, SUM(o_totalprice) AS total
FROM orders
WHERE o_custkey IN (
    SELECT c_custkey FROM customer JOIN nation ON c_nationkey = n_nationkey
    WHERE n_name = 'FRANCE' AND c_mktsegment = 'BUILDING'
)
GROUP BY o_orderpriority
ORDER BY o_orderpriority;
