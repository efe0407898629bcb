SELECT nk, a.suppliers, b.customers
FROM (SELECT s_nationkey AS nk, COUNT(*) AS suppliers FROM supplier GROUP BY s_nationkey) a
JOIN (SELECT c_nationkey AS nk, COUNT(*) AS customers FROM customer GROUP BY c_nationkey) b
USING (nk)
ORDER BY nk;
