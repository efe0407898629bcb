SELECT c_custkey, c_acctbal, ABS(c_acctbal) AS abs_bal, ROUND(c_acctbal, 1) AS round1,
       ROUND(c_acctbal) AS round0, ROUND(c_acctbal, -2) AS round_hundreds,
       CAST(c_acctbal AS DECIMAL(15,1)) AS cast1, CAST(c_custkey AS DECIMAL(10,2)) AS key_dec
FROM customer
WHERE c_custkey <= 20 OR c_custkey IN (37, 48, 189, 257)
ORDER BY c_custkey;
