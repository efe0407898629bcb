SELECT p_partkey, UPPER(SUBSTRING(p_name, 1, 10)) AS name_head, LOWER(p_type) AS type_lower,
       SUBSTRING(p_type FROM 7 FOR 5) AS type_mid, SUBSTRING(p_brand, 7) AS brand_no
FROM part
WHERE p_partkey <= 12
ORDER BY p_partkey;
