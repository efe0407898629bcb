SELECT p_brand, COUNT(*) AS above_brand_avg
FROM part p1
WHERE p_retailprice > (SELECT AVG(p2.p_retailprice) FROM part p2 WHERE p2.p_brand = p1.p_brand)
GROUP BY p_brand
ORDER BY p_brand
LIMIT 12;
