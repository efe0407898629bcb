SELECT l_shipmode, AVG(l_quantity) AS avg_qty, AVG(l_discount) AS avg_disc,
       AVG(l_linenumber) AS avg_line, AVG(l_extendedprice * (1 - l_discount)) AS avg_rev
FROM lineitem
GROUP BY l_shipmode
ORDER BY l_shipmode;
