SELECT n.n_nationkey, n.n_name, r.r_name
FROM nation n
JOIN region r ON n.n_regionkey = r.r_regionkey
WHERE r.r_name IN ('ASIA', 'EUROPE')
ORDER BY r.r_name, n.n_name;
