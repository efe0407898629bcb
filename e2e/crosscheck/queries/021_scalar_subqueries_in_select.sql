SELECT n_name,
       (SELECT COUNT(*) FROM customer WHERE c_nationkey = n_nationkey) AS customers,
       (SELECT MAX(s_acctbal) FROM supplier WHERE s_nationkey = n_nationkey) AS max_supplier_bal
FROM nation
ORDER BY n_name;
