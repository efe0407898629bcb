SELECT p_brand, COUNT(*) AS parts
FROM part
WHERE p_partkey IN (
    SELECT ps_partkey FROM partsupp GROUP BY ps_partkey HAVING MIN(ps_supplycost) > 500
)
GROUP BY p_brand
ORDER BY parts DESC, p_brand
LIMIT 10;
