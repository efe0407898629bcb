-- EXISTS under OR cannot become a semi join: a mark join computes the
-- EXISTS as a boolean column that the OR then reads.
SELECT count(*)
FROM orders
WHERE o_totalprice > 400000
   OR EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > 49)
