-- A DISTINCT aggregate runs in one phase after a repartition on the keys.
SELECT l_returnflag, count(DISTINCT l_suppkey) AS suppliers, count(*) AS items
FROM lineitem
GROUP BY l_returnflag
ORDER BY l_returnflag
