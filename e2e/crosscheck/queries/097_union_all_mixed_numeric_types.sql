SELECT 'customer' AS kind, c_custkey AS id, c_acctbal AS amount FROM customer WHERE c_custkey <= 3
UNION ALL
SELECT 'order', o_orderkey, o_totalprice FROM orders WHERE o_orderkey <= 3
UNION ALL
SELECT 'part', p_partkey, p_size FROM part WHERE p_partkey <= 3
ORDER BY kind, id;
