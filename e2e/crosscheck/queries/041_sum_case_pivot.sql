SELECT YEAR(l_shipdate) AS yr,
       SUM(CASE WHEN l_shipmode = 'AIR' THEN 1 ELSE 0 END) AS air,
       SUM(CASE WHEN l_shipmode IN ('MAIL', 'SHIP') THEN 1 ELSE 0 END) AS mail_ship,
       SUM(CASE WHEN l_shipmode = 'TRUCK' THEN l_quantity ELSE 0 END) AS truck_qty
FROM lineitem
GROUP BY YEAR(l_shipdate)
ORDER BY yr;
