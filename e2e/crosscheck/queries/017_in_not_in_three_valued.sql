SELECT n_nationkey, n_name,
       CASE
           WHEN n_nationkey IN (SELECT s.s_nationkey FROM nation n2
                                LEFT JOIN supplier s ON s.s_nationkey = n2.n_nationkey AND s.s_acctbal > 9500)
               THEN 'in'
           WHEN n_nationkey NOT IN (SELECT s.s_nationkey FROM nation n2
                                    LEFT JOIN supplier s ON s.s_nationkey = n2.n_nationkey AND s.s_acctbal > 9500)
               THEN 'not in'
           ELSE 'unknown'
       END AS with_nulls,
       CASE
           WHEN n_nationkey NOT IN (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9500)
               THEN 'not in'
           ELSE 'in'
       END AS without_nulls
FROM nation
ORDER BY n_nationkey;
