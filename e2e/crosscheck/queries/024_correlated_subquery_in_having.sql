SELECT o_custkey, COUNT(*) AS order_count, SUM(o_totalprice) AS total
FROM orders
GROUP BY o_custkey
HAVING COUNT(*) >= 25
   AND SUM(o_totalprice) > 1000 * (SELECT c_acctbal FROM customer WHERE c_custkey = o_custkey)
ORDER BY o_custkey;
