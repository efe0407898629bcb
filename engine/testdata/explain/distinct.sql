-- SELECT DISTINCT is a grouping without aggregates.
SELECT DISTINCT l_returnflag, l_linestatus FROM lineitem ORDER BY l_returnflag, l_linestatus
