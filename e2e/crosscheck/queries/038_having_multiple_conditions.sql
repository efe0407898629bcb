SELECT l_suppkey, COUNT(*) AS line_count, SUM(l_quantity) AS qty
FROM lineitem
WHERE l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1996-04-01'
GROUP BY l_suppkey
HAVING COUNT(*) > 25 AND SUM(l_quantity) > 700
ORDER BY qty DESC, l_suppkey;
