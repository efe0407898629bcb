package sql

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

// bindSelectExpr binds "select <expr> from t" and returns the expression
// computed for the single output column.
func bindSelectExpr(t *testing.T, expr string) logical.Expr {
	t.Helper()
	b := mustBind(t, "select "+expr+" from t")
	p, ok := b.Plan.(*logical.Project)
	if !ok {
		t.Fatalf("select %s: plan root is %T, want *logical.Project", expr, b.Plan)
	}
	return p.Exprs[0]
}

// Table t: a BIGINT, b INT, c VARCHAR, d DATE, m DECIMAL(15,2), f DOUBLE, ok BOOLEAN, ts TIMESTAMP.
func TestTypingRules(t *testing.T) {
	tests := []struct {
		expr string
		want string // the bound expression
		typ  string // its type
	}{
		// Literals.
		{"0.06", "0.06", "DECIMAL(3,2)"},
		{"100.00", "100.00", "DECIMAL(5,2)"},
		{"12.5", "12.5", "DECIMAL(3,1)"},
		{"1e3", "1000", "DOUBLE"},
		{"-5", "-5", "BIGINT"},
		{"'x'", "'x'", "VARCHAR"},
		{"true", "true", "BOOLEAN"},
		{"null", "NULL", "NULL"},
		{"date '1998-12-01'", "DATE '1998-12-01'", "DATE"},
		{"timestamp '2020-01-02 03:04:05'", "TIMESTAMP '2020-01-02 03:04:05'", "TIMESTAMP"},

		// Arithmetic: integers widen to BIGINT.
		{"a + b", "(t.a#1 + CAST(t.b#2 AS BIGINT))", "BIGINT"},
		{"b * 2", "(CAST(t.b#2 AS BIGINT) * 2)", "BIGINT"},
		{"a div 2", "(t.a#1 DIV 2)", "BIGINT"},
		// Integer / integer is a DECIMAL division; literals keep their digits.
		{"7 / 2", "(7 / 2)", "DECIMAL(5,4)"},
		{"a / 2", "(CAST(t.a#1 AS DECIMAL(19,0)) / 2)", "DECIMAL(23,4)"},
		// Decimal rules: + - (s = max, p = max int digits + s + 1), * (sums), / (s1+4).
		{"m + m", "(t.m#5 + t.m#5)", "DECIMAL(16,2)"},
		{"1 - m", "(1 - t.m#5)", "DECIMAL(16,2)"},
		{"m * (1 - m)", "(t.m#5 * (1 - t.m#5))", "DECIMAL(31,4)"},
		{"m / 7.0", "(t.m#5 / 7.0)", "DECIMAL(20,6)"},
		{"m % 3", "(t.m#5 % 3)", "DECIMAL(15,2)"},
		{"m * b", "(t.m#5 * CAST(t.b#2 AS DECIMAL(19,0)))", "DECIMAL(34,2)"},
		{"m * m * m", "((t.m#5 * t.m#5) * t.m#5)", "DECIMAL(38,6)"},
		// Floats and strings make DOUBLE arithmetic.
		{"m + f", "(CAST(t.m#5 AS DOUBLE) + t.f#6)", "DOUBLE"},
		{"a + '1'", "(CAST(t.a#1 AS DOUBLE) + 1)", "DOUBLE"},
		// Constant folding is exact.
		{"1 + 10", "11", "BIGINT"},
		{"0.06 - 0.01", "0.05", "DECIMAL(4,2)"},
		{"date '1998-12-01' - interval '90' day", "DATE '1998-09-02'", "DATE"},
		{"date '2020-01-31' + interval '1' month", "DATE '2020-02-29'", "DATE"},
		{"d + interval 1 year", "date_add(t.d#4, INTERVAL '12 months 0 days 0 ns')", "DATE"},
		{"d - interval '2' hour", "date_sub(CAST(t.d#4 AS TIMESTAMP), INTERVAL '0 months 0 days 7200000000000 ns')", "TIMESTAMP"},
		{"-m", "(-t.m#5)", "DECIMAL(15,2)"},

		// Comparisons.
		{"b = 15", "(CAST(t.b#2 AS BIGINT) = 15)", "BOOLEAN"},
		{"m < 24", "(t.m#5 < 24)", "BOOLEAN"},
		{"a < m", "(CAST(t.a#1 AS DECIMAL(19,0)) < t.m#5)", "BOOLEAN"},
		{"m >= 0.05", "(t.m#5 >= 0.05)", "BOOLEAN"},
		{"m = f", "(CAST(t.m#5 AS DOUBLE) = t.f#6)", "BOOLEAN"},
		{"d < '1995-03-15'", "(t.d#4 < DATE '1995-03-15')", "BOOLEAN"},
		{"d = ts", "(CAST(t.d#4 AS TIMESTAMP) = t.ts#8)", "BOOLEAN"},
		{"c = 1", "(CAST(t.c#3 AS DOUBLE) = 1)", "BOOLEAN"},
		{"a <=> null", "(t.a#1 <=> NULL)", "BOOLEAN"},
		{"m between 0.05 and 0.07", "((t.m#5 >= 0.05) AND (t.m#5 <= 0.07))", "BOOLEAN"},
		{"b in (1, 2)", "(CAST(t.b#2 AS BIGINT) IN (1, 2))", "BOOLEAN"},
		{"m in (1, 2.5)", "(t.m#5 IN (1.00, 2.50))", "BOOLEAN"},
		{"d in ('1995-01-01')", "(t.d#4 IN (DATE '1995-01-01'))", "BOOLEAN"},
		{"c not like 'a%'", "(t.c#3 NOT LIKE 'a%')", "BOOLEAN"},
		{"a and ok", "(CAST(t.a#1 AS BOOLEAN) AND t.ok#7)", "BOOLEAN"},
		{"ok is not true", "(t.ok#7 IS NOT TRUE)", "BOOLEAN"},

		// CASE and friends take the common type of their branches.
		{"case when ok then m else 0 end", "CASE WHEN t.ok#7 THEN t.m#5 ELSE 0.00 END", "DECIMAL(15,2)"},
		{"case when ok then 1 else 0 end", "CASE WHEN t.ok#7 THEN 1 ELSE 0 END", "BIGINT"},
		{"case when ok then a else m end", "CASE WHEN t.ok#7 THEN CAST(t.a#1 AS DECIMAL(21,2)) ELSE CAST(t.m#5 AS DECIMAL(21,2)) END", "DECIMAL(21,2)"},
		{"case when ok then f else null end", "CASE WHEN t.ok#7 THEN t.f#6 ELSE NULL END", "DOUBLE"},
		{"case b when 1 then 'one' end", "CASE WHEN (CAST(t.b#2 AS BIGINT) = 1) THEN 'one' END", "VARCHAR"},
		{"coalesce(m, 0)", "coalesce(t.m#5, 0.00)", "DECIMAL(15,2)"},
		{"ifnull(a, 0)", "coalesce(t.a#1, 0)", "BIGINT"},
		{"if(ok, a, f)", "if(t.ok#7, CAST(t.a#1 AS DOUBLE), t.f#6)", "DOUBLE"},
		{"nullif(a, 0)", "nullif(t.a#1, 0)", "BIGINT"},

		// Functions.
		{"substring(c from 1 for 2)", "substring(t.c#3, 1, 2)", "VARCHAR"},
		{"substr(c, b)", "substring(t.c#3, CAST(t.b#2 AS BIGINT))", "VARCHAR"},
		{"extract(year from d)", "extract_year(t.d#4)", "BIGINT"},
		{"month(d)", "extract_month(t.d#4)", "BIGINT"},
		{"upper(c)", "upper(t.c#3)", "VARCHAR"},
		{"lcase(c)", "lower(t.c#3)", "VARCHAR"},
		{"length(c)", "length(t.c#3)", "BIGINT"},
		{"char_length(c)", "char_length(t.c#3)", "BIGINT"},
		{"concat(c, a)", "concat(t.c#3, CAST(t.a#1 AS VARCHAR))", "VARCHAR"},
		{"trim(c)", "trim(t.c#3)", "VARCHAR"},
		{"trim(leading 'x' from c)", "ltrim(t.c#3, 'x')", "VARCHAR"},
		{"trim(both 'x' from c)", "trim(t.c#3, 'x')", "VARCHAR"},
		{"replace(c, 'a', 'b')", "replace(t.c#3, 'a', 'b')", "VARCHAR"},
		{"round(m, 1)", "round(t.m#5, 1)", "DECIMAL(15,1)"},
		{"round(m)", "round(t.m#5)", "DECIMAL(15,0)"},
		{"round(m, 4)", "round(t.m#5, 4)", "DECIMAL(17,4)"},
		{"round(f, 2)", "round(t.f#6, 2)", "DOUBLE"},
		{"abs(b)", "abs(CAST(t.b#2 AS BIGINT))", "BIGINT"},
		{"date_add(d, interval 3 day)", "date_add(t.d#4, INTERVAL '0 months 3 days 0 ns')", "DATE"},
		{"cast(a as decimal(10,2))", "CAST(t.a#1 AS DECIMAL(10,2))", "DECIMAL(10,2)"},
		{"cast('1.5' as decimal(4,1))", "1.5", "DECIMAL(4,1)"},
		{"cast(m as signed)", "CAST(t.m#5 AS BIGINT)", "BIGINT"},
		{"cast('2020-01-01' as date)", "DATE '2020-01-01'", "DATE"},
		{"convert(a, char)", "CAST(t.a#1 AS VARCHAR)", "VARCHAR"},
		{"cast(c as double)", "CAST(t.c#3 AS DOUBLE)", "DOUBLE"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e := bindSelectExpr(t, tc.expr)
			if got := e.String(); got != tc.want {
				t.Errorf("select %s:\n got %s\nwant %s", tc.expr, got, tc.want)
			}
			if got := logical.TypeName(e.Type()); got != tc.typ {
				t.Errorf("select %s: type %s, want %s", tc.expr, got, tc.typ)
			}
		})
	}
}

func TestAggregateResultTypes(t *testing.T) {
	tests := []struct{ expr, typ string }{
		{"count(*)", "BIGINT"},
		{"count(distinct c)", "BIGINT"},
		{"sum(a)", "BIGINT"},
		{"sum(b)", "BIGINT"},
		{"sum(m)", "DECIMAL(38,2)"},
		{"sum(f)", "DOUBLE"},
		{"avg(a)", "DECIMAL(38,4)"},
		{"avg(m)", "DECIMAL(38,6)"},
		{"avg(f)", "DOUBLE"},
		{"min(d)", "DATE"},
		{"max(b)", "INT"},
		{"max(c)", "VARCHAR"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			b := mustBind(t, "select "+tc.expr+" from t")
			agg := b.Plan.(*logical.Project).Input.(*logical.Aggregate)
			if got := logical.TypeName(agg.Aggs[0].Type()); got != tc.typ {
				t.Errorf("%s: type %s, want %s", tc.expr, got, tc.typ)
			}
			if tc.expr == "sum(b)" {
				if got := agg.Aggs[0].Arg.String(); got != "CAST(t.b#2 AS BIGINT)" {
					t.Errorf("sum(b) argument %s, want the INT widened to BIGINT", got)
				}
			}
		})
	}
}

func TestDecimalResultTypeFormulas(t *testing.T) {
	dec := func(p, s int32) arrow.DataType { return logical.Decimal(p, s) }
	tests := []struct {
		op   logical.BinaryOp
		l, r arrow.DataType
		want string
	}{
		{logical.OpAdd, dec(15, 2), dec(10, 4), "DECIMAL(18,4)"},
		{logical.OpSub, dec(3, 2), dec(1, 0), "DECIMAL(4,2)"},
		{logical.OpMul, dec(15, 2), dec(16, 2), "DECIMAL(31,4)"},
		{logical.OpMul, dec(30, 2), dec(30, 2), "DECIMAL(38,4)"}, // precision capped at 38
		{logical.OpDiv, dec(1, 0), dec(1, 0), "DECIMAL(5,4)"},
		{logical.OpDiv, dec(38, 4), dec(38, 4), "DECIMAL(38,8)"},
		{logical.OpMod, dec(15, 2), dec(5, 3), "DECIMAL(15,3)"},
	}
	for _, tc := range tests {
		if got := logical.TypeName(decimalResultType(tc.op, tc.l, tc.r)); got != tc.want {
			t.Errorf("%s %s %s = %s, want %s", logical.TypeName(tc.l), tc.op, logical.TypeName(tc.r), got, tc.want)
		}
	}
}

func TestLiteralConversionIsExact(t *testing.T) {
	tests := []struct {
		v        any
		from, to arrow.DataType
		want     string
	}{
		{int64(7), logical.Int64, logical.Decimal(5, 2), "7.00"},
		{"0.125", logical.String, logical.Decimal(4, 2), "0.13"}, // half away from zero
		{"-0.125", logical.String, logical.Decimal(4, 2), "-0.13"},
		{int64(3), logical.Int64, logical.Float64, "3"},
		{"1998-12-01", logical.String, logical.Date, "1998-12-01"},
		{"2020-01-02 03:04:05.5", logical.String, logical.Timestamp, "2020-01-02 03:04:05.5"},
		{int64(1), logical.Int64, logical.Bool, "true"},
		{int64(42), logical.Int64, logical.String, "42"},
	}
	for _, tc := range tests {
		got, err := convertValue(tc.v, tc.from, tc.to)
		if err != nil {
			t.Errorf("convert %v to %s: %v", tc.v, logical.TypeName(tc.to), err)
			continue
		}
		if s := logical.FormatPlain(got, tc.to); s != tc.want {
			t.Errorf("convert %v to %s = %s, want %s", tc.v, logical.TypeName(tc.to), s, tc.want)
		}
	}
	if _, err := convertValue(int64(1000), logical.Int64, logical.Decimal(4, 2)); err == nil {
		t.Error("converting 1000 to DECIMAL(4,2) should fail: it does not fit")
	}
}
