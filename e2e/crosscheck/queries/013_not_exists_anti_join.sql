SELECT c_mktsegment, COUNT(*) AS customers
FROM customer
WHERE NOT EXISTS (
    SELECT * FROM orders
    WHERE o_custkey = c_custkey AND o_orderdate >= DATE '1997-01-01'
)
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
