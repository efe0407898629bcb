-- ORDER BY ... LIMIT ... OFFSET: a top-N sort that keeps offset+count rows.
SELECT o_orderkey, o_totalprice
FROM orders
ORDER BY o_totalprice DESC, o_orderkey
LIMIT 5 OFFSET 10
