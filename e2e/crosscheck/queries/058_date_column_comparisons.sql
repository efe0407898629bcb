SELECT l_shipmode,
       SUM(CASE WHEN l_shipdate < l_commitdate THEN 1 ELSE 0 END) AS early,
       SUM(CASE WHEN l_shipdate = l_commitdate THEN 1 ELSE 0 END) AS same_day,
       SUM(CASE WHEN l_receiptdate > l_commitdate THEN 1 ELSE 0 END) AS late_receipt,
       SUM(CASE WHEN l_receiptdate <= l_shipdate + INTERVAL 7 DAY THEN 1 ELSE 0 END) AS within_week
FROM lineitem
GROUP BY l_shipmode
ORDER BY l_shipmode;
