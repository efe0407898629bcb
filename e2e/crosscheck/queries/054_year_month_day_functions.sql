SELECT YEAR(l_shipdate) AS yr, MONTH(l_shipdate) AS mon, COUNT(*) AS line_count,
       SUM(l_extendedprice) AS gross, MIN(DAY(l_shipdate)) AS first_day, MAX(DAY(l_shipdate)) AS last_day
FROM lineitem
WHERE l_shipmode = 'RAIL' AND YEAR(l_shipdate) = 1996
GROUP BY YEAR(l_shipdate), MONTH(l_shipdate)
ORDER BY 1, 2;
