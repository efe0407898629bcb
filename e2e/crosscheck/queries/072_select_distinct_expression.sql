SELECT DISTINCT EXTRACT(YEAR FROM o_orderdate) AS yr, o_orderstatus
FROM orders
ORDER BY yr, o_orderstatus;
