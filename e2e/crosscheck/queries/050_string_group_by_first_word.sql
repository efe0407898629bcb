SELECT SUBSTRING(p_type, 1, INSTR(p_type, ' ') - 1) AS type_class, COUNT(*) AS parts,
       AVG(p_retailprice) AS avg_price
FROM part
GROUP BY 1
ORDER BY type_class;
