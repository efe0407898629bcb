SELECT COUNT(*) AS total_rows,
       COUNT(o_orderkey) AS order_rows,
       COUNT(DISTINCT c_custkey) AS customers,
       COUNT(DISTINCT o_custkey) AS customers_with_orders,
       COUNT(DISTINCT o_orderpriority) AS priorities
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey AND o_orderdate >= DATE '1998-06-01';
