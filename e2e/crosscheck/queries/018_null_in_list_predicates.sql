SELECT COUNT(*) AS total_rows,
       COUNT(o_orderkey) AS with_order,
       SUM(CASE WHEN o_orderstatus NOT IN ('F') THEN 1 ELSE 0 END) AS not_f,
       SUM(CASE WHEN o_orderstatus IN ('F') THEN 1 ELSE 0 END) AS is_f,
       SUM(CASE WHEN o_orderstatus IS NULL THEN 1 ELSE 0 END) AS no_order,
       SUM(CASE WHEN o_orderstatus = 'O' OR o_orderstatus <> 'O' THEN 1 ELSE 0 END) AS known_status
FROM customer
LEFT JOIN orders ON o_custkey = c_custkey
    AND o_orderdate >= DATE '1995-03-01' AND o_orderdate < DATE '1995-09-01';
