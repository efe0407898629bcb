WITH supplier_revenue AS (
    SELECT l_suppkey AS suppkey, SUM(l_extendedprice * (1 - l_discount)) AS revenue
    FROM lineitem
    WHERE l_shipdate >= DATE '1997-01-01' AND l_shipdate < DATE '1998-01-01'
    GROUP BY l_suppkey
)
SELECT s_suppkey, s_name, r.revenue
FROM supplier
JOIN supplier_revenue r ON r.suppkey = s_suppkey
WHERE r.revenue > (SELECT 1.2 * AVG(revenue) FROM supplier_revenue)
ORDER BY r.revenue DESC, s_suppkey
LIMIT 10;
