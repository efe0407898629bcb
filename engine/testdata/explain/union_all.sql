-- UNION ALL of two filtered scans, ordered by ordinal.
SELECT 'customer' AS kind, c_nationkey AS nation FROM customer WHERE c_acctbal > 9900
UNION ALL
SELECT 'supplier', s_nationkey FROM supplier WHERE s_acctbal > 9900
ORDER BY 1, 2
