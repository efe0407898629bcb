SELECT a.cnt_on, b.cnt_where
FROM (SELECT COUNT(*) AS cnt_on
      FROM customer LEFT JOIN orders ON o_custkey = c_custkey AND o_orderpriority = '1-URGENT') a
CROSS JOIN (SELECT COUNT(*) AS cnt_where
            FROM customer LEFT JOIN orders ON o_custkey = c_custkey
            WHERE o_orderpriority = '1-URGENT') b;
