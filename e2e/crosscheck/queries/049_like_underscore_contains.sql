SELECT p_mfgr,
       SUM(CASE WHEN p_name LIKE '%green%' THEN 1 ELSE 0 END) AS green,
       SUM(CASE WHEN p_name NOT LIKE '%green%' THEN 1 ELSE 0 END) AS not_green,
       SUM(CASE WHEN p_container LIKE '__ BOX' THEN 1 ELSE 0 END) AS two_letter_box,
       SUM(CASE WHEN p_type LIKE 'PROMO%TIN' THEN 1 ELSE 0 END) AS promo_tin
FROM part
GROUP BY p_mfgr
ORDER BY p_mfgr;
