package expr

import (
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

func inList(input logical.Expr, neg bool, items ...logical.Expr) logical.Expr {
	return &logical.InListExpr{Input: input, List: items, Negated: neg}
}

func TestInList(t *testing.T) {
	in := newInput(ints(t, 1, 2, nil, 49), strs(t, "13", "99", nil, "31"))
	i := func(v int) logical.Expr { return lit(v, logical.Int64) }
	s := func(v string) logical.Expr { return lit(v, logical.String) }
	null := lit(nil, logical.Null)
	expectRows(t, in, inList(in.ref(0), false, i(49), i(1)), "true", "false", "NULL", "true")
	expectRows(t, in, inList(in.ref(0), true, i(49), i(1)), "false", "true", "NULL", "false")
	// A NULL in the list turns "no match" into NULL, for IN and NOT IN.
	expectRows(t, in, inList(in.ref(0), false, i(1), null), "true", "NULL", "NULL", "NULL")
	expectRows(t, in, inList(in.ref(0), true, i(1), null), "false", "NULL", "NULL", "NULL")
	// Long lists use a hash set.
	long := []logical.Expr{}
	for v := 40; v < 60; v++ {
		long = append(long, i(v))
	}
	expectRows(t, in, inList(in.ref(0), false, long...), "false", "false", "NULL", "true")
	expectRows(t, in, inList(in.ref(1), false, s("13"), s("31"), s("23"), s("29"), s("30"), s("18"), s("17")), "true", "false", "NULL", "true")
	long = nil
	for _, v := range strings.Fields("a b c d e f g h i j k 13") {
		long = append(long, s(v))
	}
	expectRows(t, in, inList(in.ref(1), false, long...), "true", "false", "NULL", "false")
	// Non-literal items: x = a OR x = b.
	expectRows(t, in, inList(in.ref(0), false, i(2), bin(logical.OpAdd, in.ref(0), i(0), logical.Int64)), "true", "true", "NULL", "true")
	// An INT column probed with BIGINT literals, and decimals of different scales.
	in = newInput(build(t, logical.Int32, int64(14), int64(15), nil), decs(t, 15, 2, "0.05", "0.06", "0.07"))
	expectRows(t, in, inList(in.ref(0), false, i(49), i(14), i(23)), "true", "false", "NULL")
	expectRows(t, in, inList(in.ref(1), false, lit(decVal(t, "0.050", 3), logical.Decimal(4, 3)), lit(decVal(t, "0.07", 2), logical.Decimal(3, 2))), "true", "false", "true")
}

func TestCase(t *testing.T) {
	in := newInput(strs(t, "BRAZIL", "PERU", nil, "BRAZIL"), decs(t, 15, 4, "10.0000", "20.0000", "30.0000", nil))
	zero := lit(decVal(t, "0", 4), logical.Decimal(15, 4))
	// Q8: CASE WHEN nation = 'BRAZIL' THEN volume ELSE 0 END
	e := &logical.CaseExpr{
		Whens: []logical.Expr{cmpx(logical.OpEq, in.ref(0), lit("BRAZIL", logical.String))},
		Thens: []logical.Expr{in.ref(1)},
		Else:  zero,
		Typ:   logical.Decimal(15, 4),
	}
	expectRows(t, in, e, "10.0000", "0.0000", "0.0000", "NULL")
	// First true branch wins; NULL conditions are not taken; no ELSE gives NULL.
	e = &logical.CaseExpr{
		Whens: []logical.Expr{
			cmpx(logical.OpGt, in.ref(1), lit(decVal(t, "15", 0), logical.Decimal(2, 0))),
			cmpx(logical.OpGt, in.ref(1), lit(decVal(t, "5", 0), logical.Decimal(1, 0))),
		},
		Thens: []logical.Expr{lit("big", logical.String), lit("small", logical.String)},
		Typ:   logical.String,
	}
	expectRows(t, in, e, "small", "big", "big", "NULL")
	// Simple CASE compares with =.
	e = &logical.CaseExpr{
		Operand: in.ref(0),
		Whens:   []logical.Expr{lit("PERU", logical.String), lit("BRAZIL", logical.String)},
		Thens:   []logical.Expr{lit(1, logical.Int64), lit(2, logical.Int64)},
		Else:    lit(0, logical.Int64),
		Typ:     logical.Int64,
	}
	expectRows(t, in, e, "2", "1", "0", "2")
	// Booleans and the untaken branch is not evaluated (1/0 would be NULL anyway).
	e = &logical.CaseExpr{
		Whens: []logical.Expr{&logical.UnaryExpr{Op: logical.OpIsNull, Input: in.ref(0), Typ: logical.Bool}},
		Thens: []logical.Expr{lit(true, logical.Bool)},
		Else:  lit(false, logical.Bool),
		Typ:   logical.Bool,
	}
	expectRows(t, in, e, "false", "false", "true", "false")
}

func TestCast(t *testing.T) {
	cast := func(e logical.Expr, to arrow.DataType) logical.Expr { return &logical.CastExpr{Input: e, Typ: to} }
	in := newInput(
		ints(t, 42, -7, nil),
		decs(t, 15, 3, "1.235", "-1.235", "0.004"),
		strs(t, "12.345", "abc", " -3 "),
		floats(t, 0.285, -2.5, 1e21),
		dates(t, "1998-12-01", "2000-02-29", nil),
		bools(t, true, false, nil),
	)
	tests := []struct {
		e    logical.Expr
		want string
	}{
		{cast(in.ref(0), logical.Decimal(10, 2)), "42.00|-7.00|NULL"},
		{cast(in.ref(0), logical.Float64), "42|-7|NULL"},
		{cast(in.ref(0), logical.String), "42|-7|NULL"},
		{cast(in.ref(0), logical.Int32), "42|-7|NULL"},
		{cast(in.ref(0), logical.Bool), "true|true|NULL"},
		{cast(in.ref(1), logical.Decimal(15, 2)), "1.24|-1.24|0.00"},
		{cast(in.ref(1), logical.Int64), "1|-1|0"},
		{cast(in.ref(1), logical.String), "1.235|-1.235|0.004"},
		{cast(in.ref(1), logical.Float64), "1.235|-1.235|0.004"},
		{cast(in.ref(2), logical.Decimal(10, 2)), "12.35|NULL|-3.00"},
		{cast(in.ref(2), logical.Int64), "12|NULL|-3"},
		{cast(in.ref(2), logical.Float64), "12.345|NULL|-3"},
		{cast(in.ref(3), logical.Decimal(10, 2)), "0.29|-2.50|ERR"},
		{cast(in.ref(3), logical.Int64), "ERR"}, // 1e21 does not fit; 0.285 and -2.5 would round to 0 and -3
		{cast(in.ref(3), logical.String), "0.285|-2.5|1e21"},
		{cast(in.ref(4), logical.String), "1998-12-01|2000-02-29|NULL"},
		{cast(in.ref(4), logical.Timestamp), "1998-12-01 00:00:00|2000-02-29 00:00:00|NULL"},
		{cast(in.ref(4), logical.Int64), "19981201|20000229|NULL"},
		{cast(in.ref(5), logical.String), "1|0|NULL"},
		{cast(in.ref(5), logical.Int64), "1|0|NULL"},
		{cast(lit("1998-12-01", logical.String), logical.Date), "1998-12-01|1998-12-01|1998-12-01"},
		{cast(lit("1998-02-30", logical.String), logical.Date), "NULL|NULL|NULL"},
		{cast(lit("2024-01-02 03:04:05.5", logical.String), logical.Timestamp), "2024-01-02 03:04:05.5|2024-01-02 03:04:05.5|2024-01-02 03:04:05.5"},
		{cast(cast(lit("2024-01-02 03:04:05.000123", logical.String), logical.Timestamp), logical.String), "2024-01-02 03:04:05.000123|2024-01-02 03:04:05.000123|2024-01-02 03:04:05.000123"},
		{cast(lit(nil, logical.Null), logical.Decimal(5, 2)), "NULL|NULL|NULL"},
	}
	for _, tc := range tests {
		got, err := evalErr(in, tc.e)
		if strings.HasSuffix(tc.want, "ERR") {
			if err == nil {
				t.Errorf("%s: want an error, got %v", tc.e, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.e, err)
			continue
		}
		if g := strings.Join(got, "|"); g != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.e, g, tc.want)
		}
	}
	// Doubles round half away from zero to integers.
	fin := newInput(floats(t, 0.285, -2.5, 2.5, nil))
	expectRows(t, fin, cast(fin.ref(0), logical.Int64), "0", "-3", "3", "NULL")
	// Overflow of the target precision is an error naming the value.
	_, err := evalErr(in, cast(in.ref(0), logical.Decimal(3, 2)))
	if err == nil || !strings.Contains(err.Error(), "decimal overflow in CAST(42 AS DECIMAL(3,2))") {
		t.Errorf("want a decimal overflow error, got %v", err)
	}
}

// Values survive a trip through VARCHAR and back.
func TestCastRoundTrips(t *testing.T) {
	cols := []arrow.Array{
		ints(t, 0, 1, -1, 9223372036854775807, -9223372036854775808, nil),
		decs(t, 38, 10, "0", "1.5", "-0.0000000001", "9999999999999999999999999999.9999999999", "-12345678901234567890.1234567890", nil),
		floats(t, 0.1, -1.5e-7, 3.141592653589793, 1e300, 0.0, nil),
		dates(t, "1970-01-01", "1969-12-31", "0001-01-01", "9999-12-31", "2000-02-29", nil),
		build(t, logical.Timestamp, arrow.Timestamp(0), arrow.Timestamp(-1), arrow.Timestamp(951782400123456), arrow.Timestamp(1), arrow.Timestamp(86399999999), nil),
	}
	for _, c := range cols {
		in := newInput(c)
		e := &logical.CastExpr{Input: &logical.CastExpr{Input: in.ref(0), Typ: logical.String}, Typ: c.DataType()}
		want := rowsOf(c)
		got := eval(t, in, e)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s round trip\n got %v\nwant %v", logical.TypeName(c.DataType()), got, want)
		}
	}
}

func TestStringFunctions(t *testing.T) {
	in := newInput(strs(t, "13-555-1234", "Sakila", nil, "", "ñandú"))
	s := func(v string) logical.Expr { return lit(v, logical.String) }
	i := func(v int) logical.Expr { return lit(v, logical.Int64) }
	str := logical.String
	tests := []struct {
		e    logical.Expr
		want string
	}{
		{fn("substring", str, in.ref(0), i(1), i(2)), "13|Sa|NULL||ña"},
		{fn("substring", str, in.ref(0), i(5)), "55-1234|la|NULL||ú"},
		{fn("substring", str, in.ref(0), i(-3)), "234|ila|NULL||ndú"},
		{fn("substring", str, in.ref(0), i(-5), i(3)), "-12|aki|NULL||ñan"},
		{fn("substring", str, in.ref(0), i(0), i(3)), "||NULL||"},
		{fn("substring", str, in.ref(0), i(2), i(-1)), "||NULL||"},
		{fn("substring", str, in.ref(0), i(100)), "||NULL||"},
		{fn("upper", str, in.ref(0)), "13-555-1234|SAKILA|NULL||ÑANDÚ"},
		{fn("lower", str, in.ref(0)), "13-555-1234|sakila|NULL||ñandú"},
		{fn("length", logical.Int64, in.ref(0)), "11|6|NULL|0|7"},
		{fn("char_length", logical.Int64, in.ref(0)), "11|6|NULL|0|5"},
		{fn("concat", str, s("<"), in.ref(0), s(">")), "<13-555-1234>|<Sakila>|NULL|<>|<ñandú>"},
		{fn("replace", str, in.ref(0), s("a"), s("AA")), "13-555-1234|SAAkilAA|NULL||ñAAndú"},
		{fn("left", str, in.ref(0), i(2)), "13|Sa|NULL||ña"},
		{fn("right", str, in.ref(0), i(2)), "34|la|NULL||dú"},
		{fn("reverse", str, in.ref(0)), "4321-555-31|alikaS|NULL||údnañ"},
		{fn("instr", logical.Int64, in.ref(0), s("a")), "0|2|NULL|0|2"},
		{fn("locate", logical.Int64, s("d"), in.ref(0)), "0|0|NULL|0|4"},
		{fn("lpad", str, in.ref(0), i(8), s("*")), "13-555-1|**Sakila|NULL|********|***ñandú"},
		{fn("rpad", str, in.ref(0), i(7), s("xy")), "13-555-|Sakilax|NULL|xyxyxyx|ñandúxy"},
	}
	for _, tc := range tests {
		got, err := evalErr(in, tc.e)
		if err != nil {
			t.Errorf("%s: %v", tc.e, err)
			continue
		}
		if g := strings.Join(got, "|"); g != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.e, g, tc.want)
		}
	}
	in = newInput(strs(t, "  pad  ", "xxabcxx", nil))
	expectRows(t, in, fn("trim", str, in.ref(0)), "pad", "xxabcxx", "NULL")
	expectRows(t, in, fn("ltrim", str, in.ref(0)), "pad  ", "xxabcxx", "NULL")
	expectRows(t, in, fn("rtrim", str, in.ref(0)), "  pad", "xxabcxx", "NULL")
	expectRows(t, in, fn("trim", str, in.ref(0), s("x")), "  pad  ", "abc", "NULL")
	expectRows(t, in, fn("trim", str, in.ref(0), s("xx")), "  pad  ", "abc", "NULL")
	expectRows(t, in, fn("ltrim", str, in.ref(0), s("x")), "  pad  ", "abcxx", "NULL")
}

func TestMathFunctions(t *testing.T) {
	in := newInput(decs(t, 15, 3, "1.235", "-1.235", nil, "123.456"), floats(t, 2.5, -2.5, nil, 0.125), ints(t, 15, -15, nil, 1234))
	i := func(v int) logical.Expr { return lit(v, logical.Int64) }
	expectRows(t, in, fn("round", logical.Decimal(15, 2), in.ref(0), i(2)), "1.24", "-1.24", "NULL", "123.46")
	expectRows(t, in, fn("round", logical.Decimal(15, 0), in.ref(0)), "1", "-1", "NULL", "123")
	expectRows(t, in, fn("round", logical.Decimal(15, 3), in.ref(0), i(-1)), "0.000", "0.000", "NULL", "120.000")
	expectRows(t, in, fn("truncate", logical.Decimal(15, 2), in.ref(0), i(2)), "1.23", "-1.23", "NULL", "123.45")
	expectRows(t, in, fn("round", logical.Float64, in.ref(1)), "3", "-3", "NULL", "0")
	expectRows(t, in, fn("round", logical.Float64, in.ref(1), i(2)), "2.5", "-2.5", "NULL", "0.13")
	expectRows(t, in, fn("round", logical.Int64, in.ref(2), i(-1)), "20", "-20", "NULL", "1230")
	expectRows(t, in, fn("abs", logical.Decimal(15, 3), in.ref(0)), "1.235", "1.235", "NULL", "123.456")
	expectRows(t, in, fn("abs", logical.Int64, in.ref(2)), "15", "15", "NULL", "1234")
	expectRows(t, in, fn("floor", logical.Decimal(15, 0), in.ref(0)), "1", "-2", "NULL", "123")
	expectRows(t, in, fn("ceil", logical.Decimal(15, 0), in.ref(0)), "2", "-1", "NULL", "124")
	expectRows(t, in, fn("sign", logical.Int64, in.ref(2)), "1", "-1", "NULL", "1")
	expectRows(t, in, fn("mod", logical.Int64, in.ref(2), i(4)), "3", "-3", "NULL", "2")
	expectRows(t, in, fn("sqrt", logical.Float64, in.ref(1)), "1.5811388300841898", "NULL", "NULL", "0.3535533905932738")
}

func TestConditionalFunctions(t *testing.T) {
	in := newInput(ints(t, 1, nil, nil), ints(t, 10, 20, nil), bools(t, true, false, nil))
	i := func(v int) logical.Expr { return lit(v, logical.Int64) }
	expectRows(t, in, fn("coalesce", logical.Int64, in.ref(0), in.ref(1), i(-1)), "1", "20", "-1")
	expectRows(t, in, fn("coalesce", logical.Int64, in.ref(0), in.ref(1)), "1", "20", "NULL")
	expectRows(t, in, fn("ifnull", logical.Int64, in.ref(0), i(0)), "1", "0", "0")
	expectRows(t, in, fn("nullif", logical.Int64, in.ref(1), i(20)), "10", "NULL", "NULL")
	expectRows(t, in, fn("if", logical.Int64, in.ref(2), in.ref(1), i(0)), "10", "0", "0")
}

func TestDateFunctions(t *testing.T) {
	in := newInput(dates(t, "1998-12-01", "2020-01-31", nil, "1969-12-31", "2000-03-01"))
	iv := func(months, days int32) logical.Expr {
		return lit(arrow.MonthDayNanoInterval{Months: months, Days: days}, logical.Interval)
	}
	expectRows(t, in, fn("date_sub", logical.Date, in.ref(0), iv(0, 90)), "1998-09-02", "2019-11-02", "NULL", "1969-10-02", "1999-12-02")
	expectRows(t, in, fn("date_add", logical.Date, in.ref(0), iv(1, 0)), "1999-01-01", "2020-02-29", "NULL", "1970-01-31", "2000-04-01")
	expectRows(t, in, fn("date_add", logical.Date, in.ref(0), iv(12, 0)), "1999-12-01", "2021-01-31", "NULL", "1970-12-31", "2001-03-01")
	expectRows(t, in, fn("date_sub", logical.Date, in.ref(0), iv(1, 0)), "1998-11-01", "2019-12-31", "NULL", "1969-11-30", "2000-02-01")
	expectRows(t, in, fn("extract_year", logical.Int64, in.ref(0)), "1998", "2020", "NULL", "1969", "2000")
	expectRows(t, in, fn("month", logical.Int64, in.ref(0)), "12", "1", "NULL", "12", "3")
	expectRows(t, in, fn("extract_day", logical.Int64, in.ref(0)), "1", "31", "NULL", "31", "1")
	expectRows(t, in, fn("quarter", logical.Int64, in.ref(0)), "4", "1", "NULL", "4", "1")
	expectRows(t, in, fn("dayofweek", logical.Int64, in.ref(0)), "3", "6", "NULL", "4", "4")
	expectRows(t, in, fn("datediff", logical.Int64, in.ref(0), lit(dateVal(t, "1998-01-01"), logical.Date)), "334", "8065", "NULL", "-10228", "790")
	// DATE '1996-01-01' + INTERVAL '3' MONTH, as the binder may write it.
	c := lit(dateVal(t, "1996-01-01"), logical.Date)
	expectRows(t, in, bin(logical.OpAdd, c, iv(3, 0), logical.Date), "1996-04-01", "1996-04-01", "1996-04-01", "1996-04-01", "1996-04-01")
	// Timestamps keep their time of day.
	ts := newInput(build(t, logical.Timestamp, arrow.Timestamp(951782400123456), nil)) // 2000-02-29 00:00:00.123456
	expectRows(t, ts, fn("date_add", logical.Timestamp, ts.ref(0), lit(arrow.MonthDayNanoInterval{Months: 12, Nanoseconds: 3_600_000_000_000}, logical.Interval)),
		"2001-02-28 01:00:00.123456", "NULL")
	expectRows(t, ts, fn("extract_hour", logical.Int64, ts.ref(0)), "0", "NULL")
}

func TestCivilCalendar(t *testing.T) {
	// Every day for ±800 years converts to a civil date and back.
	for d := int64(-300000); d < 300000; d += 7 {
		y, m, day := civilFromDays(d)
		if m < 1 || m > 12 || day < 1 || day > daysInMonth(y, m) {
			t.Fatalf("day %d -> invalid %d-%d-%d", d, y, m, day)
		}
		if back := daysFromCivil(y, m, day); back != d {
			t.Fatalf("day %d -> %d-%d-%d -> %d", d, y, m, day, back)
		}
	}
	if y, m, d := civilFromDays(int64(dateVal(t, "1998-12-01"))); y != 1998 || m != 12 || d != 1 {
		t.Errorf("1998-12-01 -> %d-%d-%d", y, m, d)
	}
}

func TestEvalConstant(t *testing.T) {
	// DATE '1998-12-01' - INTERVAL '90' DAY (Q1), folded.
	e := bin(logical.OpSub, lit(dateVal(t, "1998-12-01"), logical.Date), lit(arrow.MonthDayNanoInterval{Days: 90}, logical.Interval), logical.Date)
	l, err := EvalConstant(e)
	if err != nil {
		t.Fatal(err)
	}
	if l.Value != dateVal(t, "1998-09-02") || !arrow.TypeEqual(l.Typ, logical.Date) {
		t.Errorf("got %v %s", l.Value, l.Typ)
	}
	// Nested: (0.06 - 0.01) as DECIMAL, and a CASE over constants.
	e2 := bin(logical.OpSub, lit(decVal(t, "0.06", 2), logical.Decimal(3, 2)), lit(decVal(t, "0.01", 2), logical.Decimal(3, 2)), logical.Decimal(4, 2))
	l, err = EvalConstant(e2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Value != decimal128.FromI64(5) {
		t.Errorf("0.06 - 0.01 = %v", l.Value)
	}
	e3 := &logical.CaseExpr{
		Whens: []logical.Expr{cmpx(logical.OpLt, lit(1, logical.Int64), lit(2, logical.Int64))},
		Thens: []logical.Expr{fn("upper", logical.String, lit("yes", logical.String))},
		Else:  lit("no", logical.String),
		Typ:   logical.String,
	}
	if l, err = EvalConstant(e3); err != nil || l.Value != "YES" {
		t.Errorf("CASE constant = %v, %v", l, err)
	}
	// NULL propagates; division by zero is NULL, not an error.
	if l, err = EvalConstant(bin(logical.OpDiv, lit(1.0, logical.Float64), lit(0.0, logical.Float64), logical.Float64)); err != nil || l.Value != nil {
		t.Errorf("1/0 = %v, %v", l, err)
	}
	if _, err = EvalConstant(bin(logical.OpAdd, lit(int64(1)<<62, logical.Int64), lit(int64(1)<<62, logical.Int64), logical.Int64)); err == nil {
		t.Errorf("2^62 + 2^62: want an overflow error")
	}
	// Constant subtrees of a compiled expression are folded to literals.
	in := newInput(ints(t, 1))
	x, err := Compile(cmpx(logical.OpLt, in.ref(0), bin(logical.OpAdd, lit(1, logical.Int64), lit(2, logical.Int64), logical.Int64)), in.cols)
	if err != nil {
		t.Fatal(err)
	}
	if x.String() != "(c1@0 < 3)" {
		t.Errorf("folded expression prints as %s", x)
	}
}

func TestCompileErrors(t *testing.T) {
	in := newInput(ints(t, 1), strs(t, "a"))
	tests := []struct {
		e    logical.Expr
		want string
	}{
		{&logical.ColumnRef{ID: 7, Name: "x", Typ: logical.Int64}, "column x#7 not found in input"},
		{fn("no_such_function", logical.Int64, in.ref(0)), "unknown function no_such_function"},
		{cmpx(logical.OpEq, in.ref(0), lit(dateVal(t, "2000-01-01"), logical.Date)), "cannot compare BIGINT with DATE"},
		{bin(logical.OpAnd, in.ref(0), in.ref(0), logical.Bool), "AND needs BOOLEAN operands"},
		{fn("substring", logical.String, in.ref(1)), "substring takes 2 to 3 arguments"},
		{&logical.CastExpr{Input: in.ref(0), Typ: logical.Date}, "cannot cast BIGINT to DATE"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.e, in.cols)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want error containing %q, got %v", tc.e, tc.want, err)
		}
	}
}

func TestMakeArrayAndScalarValue(t *testing.T) {
	vals := []struct {
		v any
		t arrow.DataType
	}{
		{true, logical.Bool},
		{int64(-5), logical.Int32},
		{int64(7), logical.Int64},
		{2.5, logical.Float64},
		{decimal128.FromI64(12345), logical.Decimal(10, 2)},
		{"text", logical.String},
		{arrow.Date32(10000), logical.Date},
		{arrow.Timestamp(123456789), logical.Timestamp},
		{arrow.MonthDayNanoInterval{Months: 1, Days: 2, Nanoseconds: 3}, logical.Interval},
		{nil, logical.Int64},
		{nil, logical.Null},
	}
	for _, tc := range vals {
		a, err := MakeArray(tc.v, tc.t, 3)
		if err != nil {
			t.Fatalf("MakeArray(%v, %s): %v", tc.v, tc.t, err)
		}
		if a.Len() != 3 || !arrow.TypeEqual(a.DataType(), tc.t) {
			t.Fatalf("MakeArray(%v, %s) = %d values of %s", tc.v, tc.t, a.Len(), a.DataType())
		}
		for i := 0; i < 3; i++ {
			if got := ScalarValue(a, i); got != tc.v {
				t.Errorf("ScalarValue(MakeArray(%v, %s), %d) = %v", tc.v, tc.t, i, got)
			}
		}
	}
	if _, err := MakeArray(int64(300), logical.Int8, 1); err == nil {
		t.Errorf("300 as TINYINT: want an out of range error")
	}
	if _, err := MakeArray("x", logical.Int64, 1); err == nil {
		t.Errorf("a string as BIGINT: want an error")
	}
}
