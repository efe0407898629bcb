SELECT o_custkey, SUM(o_totalprice) AS spent, COUNT(*) AS order_count
FROM orders
GROUP BY o_custkey
ORDER BY spent DESC, o_custkey
LIMIT 10;
