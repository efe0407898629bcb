SELECT l_shipmode, COUNT(*) AS line_count
FROM lineitem
WHERE l_orderkey < 3000
  AND l_suppkey IN (SELECT ps_suppkey FROM partsupp
                    WHERE ps_partkey = l_partkey AND ps_supplycost < 500)
GROUP BY l_shipmode
ORDER BY l_shipmode;
