SELECT c_custkey, c_name, c_phone
FROM customer
WHERE SUBSTRING(c_phone, 1, 2) IN ('13', '31', '23')
  AND LENGTH(TRIM(c_address)) > 30
  AND UPPER(c_mktsegment) = 'MACHINERY'
ORDER BY c_custkey
LIMIT 20;
