SELECT r_name, COUNT(*) AS suppliers, SUM(s_acctbal) AS total_bal, AVG(s_acctbal) AS avg_bal
FROM supplier, nation, region
WHERE s_nationkey = n_nationkey AND n_regionkey = r_regionkey
GROUP BY r_name
ORDER BY r_name;
