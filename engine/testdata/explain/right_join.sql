-- RIGHT JOIN: both sides hash-partitioned on the key.
SELECT n_name, count(s_suppkey) AS suppliers
FROM supplier RIGHT JOIN nation ON s_nationkey = n_nationkey AND s_acctbal > 5000
GROUP BY n_name
ORDER BY n_name
