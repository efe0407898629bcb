SELECT c_mktsegment, COUNT(*) AS above_average
FROM customer
WHERE c_acctbal > (SELECT AVG(c_acctbal) FROM customer)
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
