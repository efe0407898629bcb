SELECT CASE WHEN c_acctbal < 0 THEN 'negative'
            WHEN c_acctbal < 2500 THEN 'low'
            WHEN c_acctbal < 7500 THEN 'medium'
            ELSE 'high' END AS band,
       COUNT(*) AS customers, MIN(c_acctbal) AS min_bal, MAX(c_acctbal) AS max_bal
FROM customer
GROUP BY 1
ORDER BY MIN(c_acctbal);
