SELECT c.c_mktsegment, COUNT(*) AS customers, 100.0 * COUNT(*) / MAX(t.total) AS pct
FROM customer c
CROSS JOIN (SELECT COUNT(*) AS total FROM customer) t
GROUP BY c.c_mktsegment
ORDER BY c.c_mktsegment;
