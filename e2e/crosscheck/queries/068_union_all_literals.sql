SELECT 'customer' AS kind, c_nationkey AS nationkey, COUNT(*) AS n
FROM customer WHERE c_nationkey < 5 GROUP BY c_nationkey
UNION ALL
SELECT 'supplier', s_nationkey, COUNT(*)
FROM supplier WHERE s_nationkey < 5 GROUP BY s_nationkey
ORDER BY nationkey, kind;
