SELECT n_name, n_regionkey
FROM nation
ORDER BY CASE WHEN n_regionkey = 3 THEN 0 ELSE 1 END, n_name
LIMIT 10;
