SELECT SUBSTRING(c_phone, 1, 2) AS country_code, COUNT(*) AS customers, AVG(c_acctbal) AS avg_bal
FROM customer
GROUP BY country_code
ORDER BY country_code;
