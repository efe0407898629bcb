-- Row-group pruning: orders is sorted by o_orderkey, so the range and the
-- IN list keep only some of its row groups (splits=N in the scan).
SELECT count(*), sum(o_totalprice)
FROM orders
WHERE o_orderkey < 5000 AND o_orderstatus IN ('F', 'P')
