SELECT n_name
FROM nation
JOIN supplier ON s_nationkey = n_nationkey
GROUP BY n_name
ORDER BY SUM(s_acctbal) DESC, n_name
LIMIT 10;
