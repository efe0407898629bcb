SELECT s_suppkey, LEFT(s_name, 8) AS name_prefix, RIGHT(s_name, 4) AS name_suffix,
       LEFT(s_phone, 2) AS country_code, LENGTH(s_phone) AS phone_len
FROM supplier
WHERE s_suppkey <= 10
ORDER BY s_suppkey;
