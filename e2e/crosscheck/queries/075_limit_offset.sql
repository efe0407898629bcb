SELECT o_orderkey, o_orderdate, o_totalprice
FROM orders
WHERE o_orderpriority = '2-HIGH'
ORDER BY o_totalprice DESC, o_orderkey
LIMIT 10 OFFSET 20;
