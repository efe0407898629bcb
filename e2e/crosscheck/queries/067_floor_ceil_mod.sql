SELECT FLOOR(p_retailprice / 100) AS hundreds, COUNT(*) AS parts, MIN(p_retailprice) AS min_price,
       MAX(CEIL(p_retailprice)) AS max_ceil, SUM(MOD(p_partkey, 7)) AS mod_sum,
       SUM(p_partkey % 5) AS pct_sum
FROM part
GROUP BY FLOOR(p_retailprice / 100)
ORDER BY hundreds;
