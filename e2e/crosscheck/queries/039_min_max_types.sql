SELECT p_mfgr, MIN(p_retailprice) AS min_price, MAX(p_retailprice) AS max_price,
       MIN(p_size) AS min_size, MAX(p_size) AS max_size,
       MIN(p_name) AS first_name, MAX(p_name) AS last_name,
       MIN(p_container) AS first_container, MAX(p_container) AS last_container
FROM part
GROUP BY p_mfgr
ORDER BY p_mfgr;
