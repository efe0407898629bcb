SELECT l_shipmode, l_returnflag, COUNT(*) AS line_count
FROM lineitem
WHERE l_shipmode IN ('MAIL', 'SHIP', 'AIR')
  AND l_returnflag NOT IN ('N')
  AND l_linenumber IN (1, 3, 5)
GROUP BY l_shipmode, l_returnflag
ORDER BY l_shipmode, l_returnflag;
