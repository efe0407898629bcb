SELECT EXTRACT(YEAR FROM o_orderdate) AS yr, EXTRACT(MONTH FROM o_orderdate) AS mon,
       COUNT(*) AS order_count,
       SUM(CASE WHEN EXTRACT(DAY FROM o_orderdate) > 15 THEN 1 ELSE 0 END) AS second_half
FROM orders
WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1996-01-01'
GROUP BY EXTRACT(YEAR FROM o_orderdate), EXTRACT(MONTH FROM o_orderdate)
ORDER BY yr, mon;
