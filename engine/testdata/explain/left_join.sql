-- LEFT JOIN with a condition on the inner side in ON (kept in the join, not
-- pushed below it as a WHERE would be) and an aggregate over the NULL rows.
SELECT c_custkey, count(o_orderkey) AS orders
FROM customer LEFT JOIN orders ON c_custkey = o_custkey AND o_orderstatus = 'F'
WHERE c_mktsegment = 'BUILDING'
GROUP BY c_custkey
ORDER BY orders, c_custkey
LIMIT 10
