SELECT o_orderstatus,
       CASE o_orderstatus WHEN 'F' THEN 'finished' WHEN 'O' THEN 'open' ELSE 'partial' END AS status_name,
       COUNT(*) AS order_count
FROM orders
GROUP BY o_orderstatus
ORDER BY o_orderstatus;
