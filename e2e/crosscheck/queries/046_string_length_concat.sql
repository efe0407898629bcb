SELECT n_name, LENGTH(n_name) AS len, CONCAT(n_name, ' / ', r_name) AS label,
       CONCAT('N', n_nationkey) AS code
FROM nation
JOIN region ON n_regionkey = r_regionkey
ORDER BY LENGTH(n_name) DESC, n_name
LIMIT 10;
