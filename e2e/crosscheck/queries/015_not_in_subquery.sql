SELECT s_suppkey, s_name
FROM supplier
WHERE s_suppkey NOT IN (
    SELECT l_suppkey FROM lineitem
    WHERE l_shipdate >= DATE '1995-06-01' AND l_shipdate < DATE '1995-07-01'
      AND l_shipmode = 'AIR'
)
ORDER BY s_suppkey;
