SELECT o_orderkey, o_orderdate,
       CAST(o_orderdate + INTERVAL 1 MONTH AS DATE) AS plus_month,
       CAST(o_orderdate - INTERVAL 10 DAY AS DATE) AS minus_10_days,
       CAST(o_orderdate + INTERVAL '1' YEAR AS DATE) AS plus_year,
       CAST(o_orderdate - INTERVAL '3' MONTH AS DATE) AS minus_quarter
FROM orders
WHERE (EXTRACT(DAY FROM o_orderdate) = 31 AND EXTRACT(MONTH FROM o_orderdate) IN (1, 3, 5))
   OR o_orderdate = DATE '1996-02-29'
ORDER BY o_orderkey
LIMIT 20;
