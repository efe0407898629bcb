SELECT o_clerk, COUNT(*) AS order_count, COUNT(DISTINCT o_custkey) AS customers
FROM orders
GROUP BY o_clerk
HAVING COUNT(DISTINCT o_custkey) >= 22
ORDER BY customers DESC, o_clerk
LIMIT 10;
