SELECT nationkey, SUM(balance) AS total_balance, COUNT(*) AS parties
FROM (
    SELECT c_nationkey AS nationkey, c_acctbal AS balance FROM customer
    UNION ALL
    SELECT s_nationkey, s_acctbal FROM supplier
) t
GROUP BY nationkey
ORDER BY total_balance DESC, nationkey
LIMIT 10;
