SELECT COUNT(*) AS n, COUNT(o_orderkey) AS keys_counted, SUM(o_totalprice) AS total,
       AVG(o_totalprice) AS avg_price, MAX(o_orderdate) AS last_date,
       COALESCE(SUM(o_totalprice), 0) AS total_or_zero
FROM orders
WHERE o_orderdate < DATE '1990-01-01';
