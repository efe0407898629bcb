SELECT l_shipmode, COUNT(DISTINCT l_suppkey) AS suppliers, COUNT(DISTINCT l_partkey) AS parts,
       COUNT(DISTINCT l_orderkey) AS order_count, COUNT(*) AS line_count
FROM lineitem
WHERE l_receiptdate > l_commitdate
GROUP BY l_shipmode
ORDER BY l_shipmode;
