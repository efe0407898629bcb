SELECT t.o_custkey, c_name, n_name, t.spent
FROM (
    SELECT o_custkey, SUM(o_totalprice) AS spent
    FROM orders
    GROUP BY o_custkey
    ORDER BY spent DESC, o_custkey
    LIMIT 5
) t
JOIN customer ON c_custkey = t.o_custkey
JOIN nation ON n_nationkey = c_nationkey
ORDER BY t.spent DESC, t.o_custkey;
