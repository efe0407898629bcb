SELECT r_name, m.l_shipmode
FROM region
CROSS JOIN (SELECT DISTINCT l_shipmode FROM lineitem) m
WHERE r_name <> 'AFRICA'
ORDER BY r_name, m.l_shipmode;
