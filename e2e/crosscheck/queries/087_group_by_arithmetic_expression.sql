SELECT o_orderkey % 10 AS last_digit, COUNT(*) AS order_count, SUM(o_totalprice) AS total
FROM orders
GROUP BY o_orderkey % 10
ORDER BY last_digit;
