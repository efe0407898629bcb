SELECT l_returnflag, l_linestatus, COUNT(*) AS line_count, SUM(l_quantity) AS qty,
       MIN(l_shipdate) AS first_ship, MAX(l_shipdate) AS last_ship
FROM lineitem
GROUP BY 1, 2
ORDER BY 1, 2;
