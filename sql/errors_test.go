package sql

import (
	"strings"
	"testing"
)

func TestBindErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"unknown table", "select * from nosuch", `table "nosuch" does not exist`},
		{"unknown column", "select nosuch from t", `unknown column "nosuch"`},
		{"unknown qualified column", "select t.nosuch from t", `unknown column "t.nosuch"`},
		{"unknown qualifier", "select v.a from t", `unknown column "v.a"`},
		{"ambiguous column", "select a from t, u", `column "a" is ambiguous`},
		{"type mismatch in comparison", "select * from lineitem where l_shipdate = true", `cannot compare DATE with BOOLEAN in "l_shipdate = true"`},
		{"not in group by", "select a, c from t group by a", `column "c" must appear in the GROUP BY clause or be used in an aggregate function`},
		{"not in group by inside expression", "select a + b from t group by a", `column "b" must appear in the GROUP BY clause`},
		{"not in group by in having", "select a from t group by a having b > 1", `column "b" must appear in the GROUP BY clause`},
		{"not in group by in order by", "select count(*) from t order by c", `column "c" must appear in the GROUP BY clause`},
		{"not grouped from correlated subquery", "select a, (select count(*) from u where u.s = t.c) from t group by a", `column "c" must appear in the GROUP BY clause`},
		{"aggregate in where", "select a from t where sum(a) > 1", "aggregate functions are not allowed in WHERE"},
		{"aggregate in group by", "select count(*) from t group by sum(a)", "aggregate functions are not allowed in GROUP BY"},
		{"nested aggregate", "select sum(count(*)) from t", "aggregate function calls cannot be nested"},
		{"sum of string", "select sum(c) from t", "SUM: cannot aggregate VARCHAR"},
		{"scalar subquery with two columns", "select (select a, x from u) from t", "scalar subquery must return exactly one column, not 2"},
		{"in subquery with two columns", "select * from t where a in (select a, x from u)", "subquery of IN must return exactly one column, not 2"},
		{"unknown function", "select foo(a) from t", "unknown function foo"},
		{"wrong argument count", "select replace(c, 'a') from t", "REPLACE takes 3 argument(s), got 2"},
		{"extract from number", "select extract(year from a) from t", "EXTRACT_YEAR: expected a DATE or TIMESTAMP argument, got BIGINT"},
		{"invalid date literal", "select * from t where d = date '1998-13-01'", "invalid date '1998-13-01'"},
		{"invalid date string compared with date", "select * from t where d < 'yesterday'", "invalid date 'yesterday'"},
		{"arithmetic on dates", "select d + 1 from t", `cannot apply + to DATE and BIGINT in "d + 1"`},
		{"union column count", "select a from t union all select a, x from u", "UNION inputs have different numbers of columns (1 and 2)"},
		{"intersect all", "select a from t intersect all select a from u", "INTERSECT ALL is not supported"},
		{"recursive cte", "with recursive r as (select 1) select * from r", "recursive CTEs"},
		{"derived table without alias", "select * from (select 1)", "every derived table must have an alias"},
		{"order by position out of range", "select a from t order by 3", "ORDER BY position 3 is not in the select list"},
		{"group by position out of range", "select a from t group by 0", "GROUP BY position 0 is not in the select list"},
		{"distinct with hidden order by", "select distinct a from t order by b", "must appear in the select list when SELECT DISTINCT is used"},
		{"non-boolean where", "select * from t where c", "argument of WHERE must be BOOLEAN, not VARCHAR"},
		{"star without from", "select *", "SELECT * needs a FROM clause"},
		{"using column missing", "select * from t join u using (b)", `column "b" in USING does not exist on the right side`},
		{"cast to unsupported", "select cast(d as signed) from t", `cannot cast DATE to BIGINT`},
		{"window function", "select row_number() over () from t", "window functions are not supported"},
		{"cte column count", "with w(x, y) as (select 1) select * from w", "CTE w has 1 columns but 2 column names were given"},
		{"interval needs constant", "select d + interval a day from t", "INTERVAL needs a constant amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bindText(t, tc.query)
			if err == nil {
				t.Fatalf("%s: expected error containing %q, got none", tc.query, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s:\n got error %q\nwant it to contain %q", tc.query, err, tc.want)
			}
		})
	}
}
