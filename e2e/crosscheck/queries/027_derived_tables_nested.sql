SELECT bucket, COUNT(*) AS customers
FROM (
    SELECT c_custkey,
           CASE WHEN total IS NULL THEN 'none'
                WHEN total < 500000 THEN 'low'
                WHEN total < 1500000 THEN 'mid'
                ELSE 'high' END AS bucket
    FROM (
        SELECT c_custkey, SUM(o_totalprice) AS total
        FROM customer LEFT JOIN orders ON o_custkey = c_custkey
        GROUP BY c_custkey
    ) t1
) t2
GROUP BY bucket
ORDER BY bucket;
