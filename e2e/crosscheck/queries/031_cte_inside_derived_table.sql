SELECT t.r_name, t.nations
FROM (
    WITH nr AS (
        SELECT r_name, n_nationkey FROM region JOIN nation ON n_regionkey = r_regionkey
    )
    SELECT r_name, COUNT(*) AS nations FROM nr GROUP BY r_name
) t
ORDER BY t.r_name;
