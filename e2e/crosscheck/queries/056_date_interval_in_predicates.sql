SELECT l_shipmode, COUNT(*) AS very_late
FROM lineitem
WHERE l_receiptdate > l_commitdate + INTERVAL 30 DAY
  AND l_shipdate >= DATE '1994-01-01' + INTERVAL '6' MONTH
  AND l_shipdate < DATE '1994-01-01' + INTERVAL 1 YEAR
GROUP BY l_shipmode
ORDER BY l_shipmode;
