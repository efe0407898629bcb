SELECT c_nationkey, COUNT(*) AS customers, SUM(c_acctbal) AS total
FROM customer
GROUP BY c_nationkey
HAVING COUNT(*) > (SELECT COUNT(*) / 25 FROM customer)
ORDER BY c_nationkey;
