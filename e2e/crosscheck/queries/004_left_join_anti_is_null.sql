SELECT c_mktsegment, COUNT(*) AS customers_without_orders
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey
WHERE o_orderkey IS NULL
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
