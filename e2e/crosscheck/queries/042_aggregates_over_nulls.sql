SELECT MOD(c_custkey, 3) AS grp, COUNT(*) AS total_rows, COUNT(o_orderkey) AS order_count,
       SUM(o_totalprice) AS total, AVG(o_totalprice) AS avg_price,
       MIN(o_orderdate) AS first_order, MAX(o_orderdate) AS last_order
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey
GROUP BY MOD(c_custkey, 3)
ORDER BY grp;
