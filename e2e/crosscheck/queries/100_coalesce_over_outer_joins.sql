SELECT n_nationkey, COALESCE(s.max_supp_bal, c.max_cust_bal, 0) AS best_balance,
       s.max_supp_bal, c.max_cust_bal
FROM nation
LEFT JOIN (SELECT s_nationkey, MAX(s_acctbal) AS max_supp_bal FROM supplier
           WHERE s_acctbal > 7000 GROUP BY s_nationkey) s ON s.s_nationkey = n_nationkey
LEFT JOIN (SELECT c_nationkey, MAX(c_acctbal) AS max_cust_bal FROM customer
           WHERE c_acctbal > 9900 GROUP BY c_nationkey) c ON c.c_nationkey = n_nationkey
ORDER BY n_nationkey;
