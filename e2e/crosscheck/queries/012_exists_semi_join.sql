SELECT n_name, COUNT(*) AS customers
FROM customer
JOIN nation ON c_nationkey = n_nationkey
WHERE EXISTS (
    SELECT 1 FROM orders
    WHERE o_custkey = c_custkey
      AND o_orderpriority = '1-URGENT'
      AND o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1996-01-01'
)
GROUP BY n_name
ORDER BY n_name;
