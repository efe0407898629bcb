SELECT c_custkey, COUNT(DISTINCT o_orderkey) AS order_count, COUNT(l_linenumber) AS line_count,
       SUM(l_quantity) AS qty
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey AND o_orderdate >= DATE '1997-06-01'
LEFT JOIN lineitem ON l_orderkey = o_orderkey AND l_returnflag = 'N'
WHERE c_custkey BETWEEN 1 AND 25
GROUP BY c_custkey
ORDER BY c_custkey;
