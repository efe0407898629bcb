-- NOT IN subquery: a null-aware anti join.
SELECT s_name
FROM supplier
WHERE s_suppkey NOT IN (SELECT ps_suppkey FROM partsupp WHERE ps_availqty < 100)
ORDER BY s_name
