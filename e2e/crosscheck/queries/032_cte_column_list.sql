WITH seg_totals (segment, customers, balance) AS (
    SELECT c_mktsegment, COUNT(*), SUM(c_acctbal) FROM customer GROUP BY c_mktsegment
)
SELECT segment, customers, balance
FROM seg_totals
WHERE balance > 1300000
ORDER BY segment;
