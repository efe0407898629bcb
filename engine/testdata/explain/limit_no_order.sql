-- LIMIT without ORDER BY: each partition stops early, then one limit.
SELECT l_orderkey, l_linenumber FROM lineitem WHERE l_quantity > 10 LIMIT 3 OFFSET 2
