SELECT COUNT(*) AS order_count, SUM(o_totalprice) AS total
FROM orders
WHERE o_orderdate >= CAST('1996-03-01' AS DATE) AND o_orderdate < CAST('1996-04-01' AS DATE);
