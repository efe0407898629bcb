package expr

import (
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

// TPC-H Q1's charge: l_extendedprice * (1 - l_discount) * (1 + l_tax) must
// be exact at the full result scale.
func TestDecimalQ1Charge(t *testing.T) {
	in := newInput(
		decs(t, 15, 2, "1000.00", "1234.56", nil, "0.01", "99999999999.99"),
		decs(t, 15, 2, "0.05", "0.10", "0.04", nil, "0.10"),
		decs(t, 15, 2, "0.08", "0.00", "0.02", "0.06", "0.08"),
	)
	one := lit(decVal(t, "1", 0), logical.Decimal(1, 0))
	disc := bin(logical.OpSub, one, in.ref(1), logical.Decimal(16, 2))
	expectRows(t, in, disc, "0.95", "0.90", "0.96", "NULL", "0.90")
	price := bin(logical.OpMul, in.ref(0), disc, logical.Decimal(31, 4))
	expectRows(t, in, price, "950.0000", "1111.1040", "NULL", "NULL", "89999999999.9910")
	charge := bin(logical.OpMul, price, bin(logical.OpAdd, one, in.ref(2), logical.Decimal(16, 2)), logical.Decimal(38, 6))
	expectRows(t, in, charge, "1026.000000", "1111.104000", "NULL", "NULL", "97199999999.990280")
}

func TestDecimalArithmetic(t *testing.T) {
	in := newInput(
		decs(t, 15, 2, "1.00", "2.00", "-2.00", "10.50", "-10.50", nil, "7.00"),
		decs(t, 15, 2, "3.00", "3.00", "3.00", "3.00", "3.00", "1.00", "0.00"),
		decs(t, 10, 3, "0.001", "1.234", "-0.5", "0.125", "2.000", "1.000", nil),
	)
	tests := []struct {
		name string
		e    logical.Expr
		want string
	}{
		{"div rounds half away from zero at the result scale",
			bin(logical.OpDiv, in.ref(0), in.ref(1), logical.Decimal(21, 6)),
			"0.333333|0.666667|-0.666667|3.500000|-3.500000|NULL|NULL"},
		{"div by a literal", bin(logical.OpDiv, in.ref(0), lit(decVal(t, "6", 0), logical.Decimal(1, 0)), logical.Decimal(21, 4)),
			"0.1667|0.3333|-0.3333|1.7500|-1.7500|NULL|1.1667"},
		{"literal divided by a column (zero divisor is NULL)", bin(logical.OpDiv, lit(decVal(t, "1", 0), logical.Decimal(1, 0)), in.ref(1), logical.Decimal(8, 4)),
			"0.3333|0.3333|0.3333|0.3333|0.3333|1.0000|NULL"},
		{"add with different scales", bin(logical.OpAdd, in.ref(0), in.ref(2), logical.Decimal(17, 3)),
			"1.001|3.234|-2.500|10.625|-8.500|NULL|NULL"},
		{"sub with different scales, literal on the left", bin(logical.OpSub, lit(decVal(t, "0.5", 1), logical.Decimal(2, 1)), in.ref(2), logical.Decimal(12, 3)),
			"0.499|-0.734|1.000|0.375|-1.500|-0.500|NULL"},
		{"mul adds scales", bin(logical.OpMul, in.ref(0), in.ref(2), logical.Decimal(26, 5)),
			"0.00100|2.46800|1.00000|1.31250|-21.00000|NULL|NULL"},
		{"mul rounded to a smaller result scale", bin(logical.OpMul, in.ref(0), in.ref(2), logical.Decimal(26, 2)),
			"0.00|2.47|1.00|1.31|-21.00|NULL|NULL"},
		{"mod keeps the dividend's sign; % 0 is NULL", bin(logical.OpMod, in.ref(0), in.ref(1), logical.Decimal(15, 2)),
			"1.00|2.00|-2.00|1.50|-1.50|NULL|NULL"},
		{"DIV of decimals is a BIGINT", bin(logical.OpIntDiv, in.ref(0), in.ref(2), logical.Int64),
			"1000|1|4|84|-5|NULL|NULL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(eval(t, in, tc.e), "|")
			if got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.e, got, tc.want)
			}
		})
	}
}

// AVG is computed as a decimal sum divided by an integer count at scale s+4.
func TestDecimalAvgLikeDivision(t *testing.T) {
	in := newInput(decs(t, 38, 2, "1000.00", "10.00", "-0.05"), ints(t, 3, 7, 2))
	e := bin(logical.OpDiv, in.ref(0), &logical.CastExpr{Input: in.ref(1), Typ: logical.Decimal(19, 0)}, logical.Decimal(38, 6))
	expectRows(t, in, e, "333.333333", "1.428571", "-0.025000")
	// The binder may also leave the count as BIGINT: the kernel converts.
	e = bin(logical.OpDiv, in.ref(0), in.ref(1), logical.Decimal(38, 6))
	expectRows(t, in, e, "333.333333", "1.428571", "-0.025000")
}

func TestDecimalWide(t *testing.T) {
	big := "99999999999999999999999999999999999999" // 38 nines
	in := newInput(
		decs(t, 38, 0, big, "100000000000000000000", "-100000000000000000000"),
		decs(t, 38, 0, "0", "10000000000", "10000000000"),
	)
	expectRows(t, in, bin(logical.OpMul, in.ref(1), in.ref(2-1), logical.Decimal(38, 0)),
		"0", "100000000000000000000", "100000000000000000000")
	expectRows(t, in, bin(logical.OpMul, in.ref(0), in.ref(1), logical.Decimal(38, 0)),
		"0", "1000000000000000000000000000000", "-1000000000000000000000000000000")
	// Division with a 128-bit dividend and a 64-bit divisor stays exact.
	expectRows(t, in, bin(logical.OpDiv, in.ref(0), lit(decVal(t, "7", 0), logical.Decimal(1, 0)), logical.Decimal(38, 0)),
		"14285714285714285714285714285714285714", "14285714285714285714", "-14285714285714285714")
	// ... and one needing more than 128 bits in the scaled dividend
	// (99999999999999999.999999999999999999 rounds up). than 128 bits in the scaled dividend.
	expectRows(t, in, bin(logical.OpDiv, in.ref(0), lit(decVal(t, "1000000000000000000000", 0), logical.Decimal(22, 0)), logical.Decimal(38, 4)),
		"100000000000000000.0000", "0.1000", "-0.1000")

	_, err := evalErr(in, bin(logical.OpAdd, in.ref(0), lit(decVal(t, "1", 0), logical.Decimal(1, 0)), logical.Decimal(38, 0)))
	if err == nil || !strings.Contains(err.Error(), "decimal overflow in") {
		t.Errorf("38 nines + 1: want a decimal overflow error, got %v", err)
	}
	_, err = evalErr(in, bin(logical.OpMul, in.ref(0), in.ref(0), logical.Decimal(38, 0)))
	if err == nil || !strings.Contains(err.Error(), "decimal overflow in") {
		t.Errorf("nines * nines: want a decimal overflow error, got %v", err)
	}
}

// Overflow under a NULL slot is not an error: the value is not there.
func TestOverflowUnderNullIsIgnored(t *testing.T) {
	// Forge garbage under the NULL: build from raw values.
	a := newFixed(logical.Int64, []int64{1, 1 << 62}, []byte{0b01})
	b := newFixed(logical.Int64, []int64{1, 1 << 62}, nil)
	in := newInput(a, b)
	expectRows(t, in, bin(logical.OpMul, in.ref(0), in.ref(1), logical.Int64), "1", "NULL")
}

func TestIntArithmetic(t *testing.T) {
	in := newInput(ints(t, 7, -7, nil, 9223372036854775807, 0), ints(t, 2, 2, 2, 1, 0))
	tests := []struct {
		e    logical.Expr
		want string
	}{
		{bin(logical.OpAdd, in.ref(0), lit(1, logical.Int64), logical.Int64), "ERR"},
		{bin(logical.OpSub, in.ref(0), in.ref(1), logical.Int64), "5|-9|NULL|9223372036854775806|0"},
		{bin(logical.OpSub, lit(10, logical.Int64), in.ref(1), logical.Int64), "8|8|8|9|10"},
		{bin(logical.OpMul, in.ref(1), lit(-3, logical.Int64), logical.Int64), "-6|-6|-6|-3|0"},
		{bin(logical.OpMul, in.ref(0), lit(2, logical.Int64), logical.Int64), "ERR"},
		{bin(logical.OpIntDiv, in.ref(0), in.ref(1), logical.Int64), "3|-3|NULL|9223372036854775807|NULL"},
		{bin(logical.OpMod, in.ref(0), in.ref(1), logical.Int64), "1|-1|NULL|0|NULL"},
		{bin(logical.OpMod, lit(5, logical.Int64), in.ref(1), logical.Int64), "1|1|1|0|NULL"},
	}
	for _, tc := range tests {
		got, err := evalErr(in, tc.e)
		if tc.want == "ERR" {
			if err == nil || !strings.Contains(err.Error(), "overflow") {
				t.Errorf("%s: want an overflow error, got %v %v", tc.e, got, err)
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
}

func TestFloatArithmetic(t *testing.T) {
	in := newInput(floats(t, 1.5, -3.0, nil, 1.0), floats(t, 0.5, 2.0, 1.0, 0.0))
	expectRows(t, in, bin(logical.OpAdd, in.ref(0), in.ref(1), logical.Float64), "2", "-1", "NULL", "1")
	expectRows(t, in, bin(logical.OpDiv, in.ref(0), in.ref(1), logical.Float64), "3", "-1.5", "NULL", "NULL")
	expectRows(t, in, bin(logical.OpMul, lit(2.0, logical.Float64), in.ref(0), logical.Float64), "3", "-6", "NULL", "2")
	expectRows(t, in, bin(logical.OpIntDiv, in.ref(0), in.ref(1), logical.Int64), "3", "-1", "NULL", "NULL")
	expectRows(t, in, bin(logical.OpMod, in.ref(0), lit(1.0, logical.Float64), logical.Float64), "0.5", "-0", "NULL", "0")
}

func TestNegation(t *testing.T) {
	in := newInput(ints(t, 1, nil, -5), decs(t, 5, 2, "1.25", nil, "-0.01"), floats(t, 1.5, nil, 0.0))
	neg := func(e logical.Expr) logical.Expr {
		return &logical.UnaryExpr{Op: logical.OpNeg, Input: e, Typ: e.Type()}
	}
	expectRows(t, in, neg(in.ref(0)), "-1", "NULL", "5")
	expectRows(t, in, neg(in.ref(1)), "-1.25", "NULL", "0.01")
	expectRows(t, in, neg(in.ref(2)), "-1.5", "NULL", "-0")
}
