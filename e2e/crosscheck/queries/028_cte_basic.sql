WITH big_orders AS (
    SELECT o_orderkey, o_custkey, o_totalprice FROM orders WHERE o_totalprice > 400000
)
SELECT c_mktsegment, COUNT(*) AS order_count, MAX(o_totalprice) AS max_price
FROM big_orders
JOIN customer ON c_custkey = o_custkey
GROUP BY c_mktsegment
ORDER BY c_mktsegment;
