SELECT DISTINCT p_container
FROM part
WHERE p_container > 'MED' AND p_container < 'WRAP'
ORDER BY p_container DESC;
