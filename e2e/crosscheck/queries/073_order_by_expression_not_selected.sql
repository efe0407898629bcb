SELECT c_custkey, c_name, c_acctbal
FROM customer
ORDER BY ABS(c_acctbal - 5000), c_custkey
LIMIT 10;
