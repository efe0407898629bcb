SELECT c_custkey, c_name, COUNT(o_orderkey) AS order_count, COUNT(*) AS row_count,
       SUM(o_totalprice) AS total
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey AND o_orderstatus = 'F'
WHERE c_custkey BETWEEN 1 AND 20
GROUP BY c_custkey, c_name
ORDER BY c_custkey;
