SELECT l1.l_shipmode, COUNT(*) AS shipped_before_previous
FROM lineitem l1
JOIN lineitem l2 ON l1.l_orderkey = l2.l_orderkey AND l2.l_linenumber = l1.l_linenumber + 1
WHERE l2.l_shipdate < l1.l_shipdate
GROUP BY l1.l_shipmode
ORDER BY l1.l_shipmode;
