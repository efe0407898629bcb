SELECT c_custkey, COALESCE(SUM(o_totalprice), 0) AS total, COUNT(o_orderkey) AS order_count,
       SUM(o_totalprice) / NULLIF(COUNT(o_orderkey), 0) AS avg_order,
       NULLIF(c_mktsegment, 'BUILDING') AS segment,
       COALESCE(MAX(o_orderpriority), 'no orders') AS top_priority
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey
WHERE c_custkey BETWEEN 100 AND 115
GROUP BY c_custkey, c_mktsegment
ORDER BY c_custkey;
