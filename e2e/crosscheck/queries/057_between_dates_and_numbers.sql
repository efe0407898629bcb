SELECT COUNT(*) AS line_count, SUM(l_quantity) AS qty, MIN(l_shipdate) AS first_ship,
       MAX(l_shipdate) AS last_ship, MIN(l_discount) AS min_disc, MAX(l_discount) AS max_disc
FROM lineitem
WHERE l_shipdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-31'
  AND l_quantity BETWEEN 10 AND 20
  AND l_discount NOT BETWEEN 0.02 AND 0.08;
