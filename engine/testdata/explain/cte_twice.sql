-- A CTE used twice: each reference is planned on its own.
WITH rev AS (
  SELECT l_suppkey AS supp, sum(l_extendedprice) AS revenue
  FROM lineitem
  WHERE l_shipdate >= DATE '1995-01-01'
  GROUP BY l_suppkey
)
SELECT a.supp, a.revenue
FROM rev a JOIN rev b ON a.supp = b.supp + 1
WHERE a.revenue > b.revenue
ORDER BY a.supp
LIMIT 5
