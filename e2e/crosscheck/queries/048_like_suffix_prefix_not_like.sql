SELECT p_type, COUNT(*) AS parts
FROM part
WHERE p_type LIKE '%BRASS' AND p_container LIKE 'SM%' AND p_brand NOT LIKE 'Brand#1_'
GROUP BY p_type
ORDER BY p_type;
