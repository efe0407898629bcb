SELECT n_name, COUNT(*) AS pairs
FROM supplier a
JOIN supplier b ON a.s_nationkey = b.s_nationkey AND a.s_suppkey < b.s_suppkey
JOIN nation ON n_nationkey = a.s_nationkey
GROUP BY n_name
ORDER BY pairs DESC, n_name
LIMIT 10;
