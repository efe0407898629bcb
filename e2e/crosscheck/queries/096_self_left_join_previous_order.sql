SELECT o1.o_orderkey, o1.o_orderdate, MAX(o2.o_orderdate) AS previous_order_date,
       COUNT(o2.o_orderkey) AS earlier_orders
FROM orders o1
LEFT JOIN orders o2 ON o2.o_custkey = o1.o_custkey AND o2.o_orderdate < o1.o_orderdate
WHERE o1.o_custkey = 10
GROUP BY o1.o_orderkey, o1.o_orderdate
ORDER BY o1.o_orderdate, o1.o_orderkey;
