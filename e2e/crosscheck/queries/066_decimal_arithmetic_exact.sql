SELECT l_returnflag,
       SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS charge,
       SUM(l_extendedprice - l_extendedprice * l_discount) AS disc_price,
       SUM(l_quantity * 2 + 1) AS q,
       SUM(l_tax - l_discount) AS tax_minus_disc,
       MAX(l_extendedprice / l_quantity) AS max_unit_price
FROM lineitem
GROUP BY l_returnflag
ORDER BY l_returnflag;
