WITH s AS (
    SELECT s_nationkey AS nk, COUNT(*) AS rich_suppliers
    FROM supplier WHERE s_acctbal > 8000 GROUP BY s_nationkey
), c AS (
    SELECT c_nationkey AS nk, COUNT(*) AS poor_customers
    FROM customer WHERE c_acctbal < -900 GROUP BY c_nationkey
)
SELECT s.nk AS nationkey, s.rich_suppliers, c.poor_customers
FROM s LEFT JOIN c ON s.nk = c.nk
UNION ALL
SELECT c.nk, s.rich_suppliers, c.poor_customers
FROM s RIGHT JOIN c ON s.nk = c.nk
WHERE s.nk IS NULL
ORDER BY nationkey;
