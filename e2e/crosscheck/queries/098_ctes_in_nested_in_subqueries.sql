WITH late AS (
    SELECT l_orderkey FROM lineitem WHERE l_receiptdate > l_commitdate + INTERVAL 20 DAY
), recent AS (
    SELECT o_orderkey, o_custkey FROM orders WHERE o_orderdate >= DATE '1998-01-01'
)
SELECT c_mktsegment, COUNT(*) AS customers
FROM customer
WHERE c_custkey IN (SELECT o_custkey FROM recent WHERE o_orderkey IN (SELECT l_orderkey FROM late))
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
