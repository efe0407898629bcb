-- SELECT without FROM: one row of constants (folded at planning time).
SELECT 1 + 2 AS three, 7 / 2 AS half, 'x' AS s, DATE '1996-01-31' + INTERVAL 1 MONTH AS next_month
