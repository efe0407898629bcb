SELECT n.n_name, s.s_suppkey, s.s_name, s.s_acctbal
FROM supplier s
RIGHT JOIN nation n ON s.s_nationkey = n.n_nationkey AND s.s_acctbal > 9000
ORDER BY n.n_name, s.s_suppkey;
