SELECT EXTRACT(YEAR FROM o_orderdate) AS yr, o_orderpriority, COUNT(*) AS order_count,
       SUM(o_totalprice) AS total
FROM orders
WHERE o_orderdate < DATE '1994-01-01'
GROUP BY EXTRACT(YEAR FROM o_orderdate), o_orderpriority
ORDER BY yr, o_orderpriority;
