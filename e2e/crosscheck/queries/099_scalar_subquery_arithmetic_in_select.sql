SELECT s_suppkey, s_acctbal,
       (SELECT MAX(s2.s_acctbal) FROM supplier s2) - s_acctbal AS gap_to_max,
       (SELECT COUNT(*) FROM partsupp WHERE ps_suppkey = s_suppkey AND ps_availqty > 5000) AS big_stock
FROM supplier
WHERE s_nationkey = 7
ORDER BY s_suppkey;
