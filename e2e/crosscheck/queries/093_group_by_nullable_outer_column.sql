SELECT o_orderpriority, COUNT(*) AS row_count, COUNT(DISTINCT c_custkey) AS customers
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey AND o_orderdate >= DATE '1998-07-01'
GROUP BY o_orderpriority
ORDER BY o_orderpriority;
