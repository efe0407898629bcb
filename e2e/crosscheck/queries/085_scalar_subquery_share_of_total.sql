SELECT o_orderpriority, COUNT(*) AS order_count,
       SUM(o_totalprice) * 100 / (SELECT SUM(o_totalprice) FROM orders) AS pct_of_total
FROM orders
GROUP BY o_orderpriority
ORDER BY o_orderpriority;
