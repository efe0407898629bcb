SELECT n_nationkey, LENGTH(n_comment) AS raw_len, LENGTH(TRIM(n_comment)) AS trimmed_len,
       REPLACE(n_name, 'A', '*') AS masked,
       LTRIM(CONCAT('  ', n_name)) AS ltrimmed,
       LENGTH(RTRIM(CONCAT(n_name, '   '))) AS rtrimmed_len
FROM nation
WHERE n_nationkey < 10
ORDER BY n_nationkey;
