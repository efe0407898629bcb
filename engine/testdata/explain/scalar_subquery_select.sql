-- Scalar subqueries in the select list: a correlated one (decorrelated into
-- a join on an aggregate) and an uncorrelated one.
SELECT n_name,
       (SELECT count(*) FROM supplier WHERE s_nationkey = n_nationkey) AS suppliers,
       (SELECT max(r_name) FROM region) AS last_region
FROM nation
ORDER BY n_name
