SELECT b.band, COUNT(*) AS parts, MIN(p_retailprice) AS min_price, MAX(p_retailprice) AS max_price
FROM part
JOIN (
    SELECT 'cheap' AS band, 0 AS lo, 1000 AS hi
    UNION ALL SELECT 'mid', 1000, 1500
    UNION ALL SELECT 'premium', 1500, 100000
) b ON p_retailprice >= b.lo AND p_retailprice < b.hi
GROUP BY b.band
ORDER BY b.band;
