SELECT a.nk, n_name, a.suppliers, b.customers
FROM (SELECT s_nationkey AS nk, COUNT(*) AS suppliers FROM supplier GROUP BY s_nationkey) a
JOIN (SELECT c_nationkey AS nk, COUNT(*) AS customers FROM customer GROUP BY c_nationkey) b
  ON a.nk = b.nk
JOIN nation ON n_nationkey = a.nk
ORDER BY a.nk;
