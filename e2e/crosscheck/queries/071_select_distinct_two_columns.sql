SELECT DISTINCT l_shipinstruct, l_shipmode
FROM lineitem
WHERE l_quantity > 48 AND l_discount = 0.10
ORDER BY l_shipinstruct, l_shipmode;
