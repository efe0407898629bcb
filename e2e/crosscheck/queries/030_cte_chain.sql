WITH yearly AS (
    SELECT YEAR(o_orderdate) AS yr, o_custkey, SUM(o_totalprice) AS spent
    FROM orders
    GROUP BY YEAR(o_orderdate), o_custkey
), best AS (
    SELECT yr, MAX(spent) AS top_spent, COUNT(*) AS customers
    FROM yearly
    GROUP BY yr
)
SELECT b.yr, b.customers, b.top_spent, y.o_custkey
FROM best b
JOIN yearly y ON y.yr = b.yr AND y.spent = b.top_spent
ORDER BY b.yr, y.o_custkey;
