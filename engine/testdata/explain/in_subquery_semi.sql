-- IN subquery in WHERE: a semi join.
SELECT p_brand, count(*) AS parts
FROM part
WHERE p_partkey IN (SELECT l_partkey FROM lineitem WHERE l_shipmode = 'AIR' AND l_quantity >= 50)
GROUP BY p_brand
ORDER BY parts DESC, p_brand
LIMIT 5
