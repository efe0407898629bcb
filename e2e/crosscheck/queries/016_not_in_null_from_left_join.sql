SELECT n_nationkey, n_name
FROM nation
WHERE n_nationkey NOT IN (
    SELECT d.rich_nationkey
    FROM (
        SELECT n2.n_nationkey AS nationkey, s.s_nationkey AS rich_nationkey
        FROM nation n2
        LEFT JOIN supplier s ON s.s_nationkey = n2.n_nationkey AND s.s_acctbal > 9500
    ) d
)
ORDER BY n_nationkey;
