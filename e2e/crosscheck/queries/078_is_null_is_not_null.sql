SELECT n_name, COUNT(s_suppkey) AS rich_suppliers,
       SUM(CASE WHEN s_suppkey IS NULL THEN 1 ELSE 0 END) AS missing,
       SUM(CASE WHEN s_acctbal IS NOT NULL THEN s_acctbal ELSE 0 END) AS rich_balance
FROM nation
LEFT JOIN supplier ON s_nationkey = n_nationkey AND s_acctbal > 5000
GROUP BY n_name
ORDER BY n_name;
