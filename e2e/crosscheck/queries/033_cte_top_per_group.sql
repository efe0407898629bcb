WITH counts AS (
    SELECT c_nationkey, c_mktsegment, COUNT(*) AS n
    FROM customer
    GROUP BY c_nationkey, c_mktsegment
)
SELECT c.c_nationkey, c.c_mktsegment, c.n
FROM counts c
WHERE c.n = (SELECT MAX(c2.n) FROM counts c2 WHERE c2.c_nationkey = c.c_nationkey)
ORDER BY c.c_nationkey, c.c_mktsegment;
