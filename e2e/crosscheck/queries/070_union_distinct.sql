SELECT n_nationkey AS nk FROM nation WHERE n_regionkey = 1
UNION
SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000
UNION
SELECT c_nationkey FROM customer WHERE c_acctbal > 9950
ORDER BY nk;
