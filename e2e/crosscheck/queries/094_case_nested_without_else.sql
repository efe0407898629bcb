SELECT p_partkey, p_size,
       CASE WHEN p_size > 40 THEN 'large'
            WHEN p_size > 20 THEN
                CASE WHEN p_retailprice > 905 THEN 'medium expensive' ELSE 'medium' END
       END AS size_class,
       -p_retailprice AS neg_price,
       p_retailprice - 1000 * 2 AS offset_price
FROM part
WHERE p_partkey <= 15
ORDER BY p_partkey;
