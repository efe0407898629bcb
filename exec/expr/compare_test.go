package expr

import (
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

var allCompareOps = []logical.BinaryOp{logical.OpEq, logical.OpNotEq, logical.OpLt, logical.OpLtEq, logical.OpGt, logical.OpGtEq, logical.OpNullSafeEq}

// compareCase checks every operator of column-vs-literal (literal on the
// right and, commuted, on the left) and column-vs-column.
type compareCase struct {
	name string
	col  arrow.Array
	lit  *logical.Literal
	// want per operator (in allCompareOps order), one letter per row: t, f or n (NULL).
	want [7]string
}

func letters(rows []string) string {
	var b strings.Builder
	for _, r := range rows {
		switch r {
		case "true":
			b.WriteByte('t')
		case "false":
			b.WriteByte('f')
		default:
			b.WriteByte('n')
		}
	}
	return b.String()
}

func TestCompareWithLiteral(t *testing.T) {
	cases := []compareCase{
		{"bigint", ints(t, 1, 5, nil, 9), lit(5, logical.Int64),
			[7]string{"ftnf", "tfnt", "tfnf", "ttnf", "ffnt", "ftnt", "ftff"}},
		{"double", floats(t, 1.5, 2.5, nil), lit(2.5, logical.Float64),
			[7]string{"ftn", "tfn", "tfn", "ttn", "ffn", "ftn", "ftf"}},
		{"decimal same scale", decs(t, 15, 2, "0.05", "0.07", nil, "0.06"), lit(decVal(t, "0.06", 2), logical.Decimal(3, 2)),
			[7]string{"ffnt", "ttnf", "tfnf", "tfnt", "ftnf", "ftnt", "ffft"}},
		{"decimal literal with a larger scale", decs(t, 15, 2, "0.05", "0.06", nil), lit(decVal(t, "0.055", 3), logical.Decimal(4, 3)),
			[7]string{"ffn", "ttn", "tfn", "tfn", "ftn", "ftn", "fff"}},
		{"decimal literal with a smaller scale", decs(t, 15, 2, "23.99", "24.00", "24.01"), lit(decVal(t, "24", 0), logical.Decimal(2, 0)),
			[7]string{"ftf", "tft", "tff", "ttf", "fft", "ftt", "ftf"}},
		{"negative decimals", decs(t, 15, 2, "-1.00", "-0.01", "0.00"), lit(decVal(t, "-0.01", 2), logical.Decimal(3, 2)),
			[7]string{"ftf", "tft", "tff", "ttf", "fft", "ftt", "ftf"}},
		{"varchar bytewise", strs(t, "BRAZIL", "Brazil", "BRAZ", nil, ""), lit("BRAZIL", logical.String),
			[7]string{"tffnf", "fttnt", "fftnt", "tftnt", "ftfnf", "ttfnf", "tffff"}},
		{"date", dates(t, "1998-09-02", "1998-09-03", nil), lit(dateVal(t, "1998-09-02"), logical.Date),
			[7]string{"tfn", "ftn", "ffn", "tfn", "ftn", "ttn", "tff"}},
		{"boolean", bools(t, true, false, nil), lit(true, logical.Bool),
			[7]string{"tfn", "ftn", "ftn", "ttn", "ffn", "tfn", "tff"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInput(tc.col)
			for k, op := range allCompareOps {
				if got := letters(eval(t, in, cmpx(op, in.ref(0), tc.lit))); got != tc.want[k] {
					t.Errorf("col %s lit: got %s want %s", op, got, tc.want[k])
				}
				// The same comparison written literal-first.
				if got := letters(eval(t, in, cmpx(op.Commute(), tc.lit, in.ref(0)))); got != tc.want[k] {
					t.Errorf("lit %s col: got %s want %s", op.Commute(), got, tc.want[k])
				}
				// And against a column holding the literal everywhere.
				litCol, err := MakeArray(tc.lit.Value, tc.lit.Typ, tc.col.Len())
				if err != nil {
					t.Fatal(err)
				}
				in2 := newInput(tc.col, litCol)
				if got := letters(eval(t, in2, cmpx(op, in2.ref(0), in2.ref(1)))); got != tc.want[k] {
					t.Errorf("col %s col: got %s want %s", op, got, tc.want[k])
				}
			}
		})
	}
}

func TestCompareNullLiteral(t *testing.T) {
	in := newInput(ints(t, 1, nil))
	null := lit(nil, logical.Null)
	expectRows(t, in, cmpx(logical.OpEq, in.ref(0), null), "NULL", "NULL")
	expectRows(t, in, cmpx(logical.OpNullSafeEq, in.ref(0), null), "false", "true")
	expectRows(t, in, cmpx(logical.OpNullSafeEq, null, in.ref(0)), "false", "true")
}

// Int32 columns (dates stored as keys, p_size) compare with BIGINT literals
// without the binder's help.
func TestCompareMixedIntegerWidths(t *testing.T) {
	in := newInput(build(t, logical.Int32, int64(1), int64(15), nil))
	expectRows(t, in, cmpx(logical.OpGt, in.ref(0), lit(10, logical.Int64)), "false", "true", "NULL")
}

// Kernels must honour array offsets: slices of larger arrays are common
// (batches cut from bigger ones).
func TestSlicedInputs(t *testing.T) {
	full := ints(t, 100, 1, nil, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	sliced := array.NewSlice(full, 3, 12) // 3 4 5 6 7 8 9 10 11
	nulls := array.NewSlice(ints(t, nil, nil, 1, nil, 2, 3, 4, 5, 6, 7, 8, 9), 3, 12)
	in := newInput(sliced, nulls)
	expectRows(t, in, cmpx(logical.OpGt, in.ref(0), lit(5, logical.Int64)),
		"false", "false", "false", "true", "true", "true", "true", "true", "true")
	expectRows(t, in, bin(logical.OpAdd, in.ref(0), in.ref(1), logical.Int64),
		"NULL", "6", "8", "10", "12", "14", "16", "18", "20")
	s := array.NewSlice(strs(t, "x", "abc", nil, "abd", "zz"), 1, 5)
	in = newInput(s)
	expectRows(t, in, cmpx(logical.OpLt, in.ref(0), lit("abd", logical.String)), "true", "NULL", "false", "false")
	expectRows(t, in, &logical.LikeExpr{Input: in.ref(0), Pattern: lit("ab%", logical.String), Escape: '\\'}, "true", "NULL", "true", "false")
	b := array.NewSlice(bools(t, true, true, false, nil, true, false, true, true, false, true), 3, 10)
	in = newInput(b)
	expectRows(t, in, &logical.UnaryExpr{Op: logical.OpNot, Input: in.ref(0), Typ: logical.Bool},
		"NULL", "false", "true", "false", "false", "true", "false")
}

// The three-valued truth tables of AND, OR and NOT.
func TestKleeneLogic(t *testing.T) {
	// All nine combinations of (TRUE, FALSE, NULL) x (TRUE, FALSE, NULL).
	a := bools(t, true, true, true, false, false, false, nil, nil, nil)
	b := bools(t, true, false, nil, true, false, nil, true, false, nil)
	in := newInput(a, b)
	expectRows(t, in, bin(logical.OpAnd, in.ref(0), in.ref(1), logical.Bool),
		"true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL")
	expectRows(t, in, bin(logical.OpOr, in.ref(0), in.ref(1), logical.Bool),
		"true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL")
	expectRows(t, in, &logical.UnaryExpr{Op: logical.OpNot, Input: in.ref(0), Typ: logical.Bool},
		"false", "false", "false", "true", "true", "true", "NULL", "NULL", "NULL")
	// With a NULL literal operand.
	expectRows(t, in, bin(logical.OpAnd, in.ref(0), lit(nil, logical.Null), logical.Bool),
		"NULL", "NULL", "NULL", "false", "false", "false", "NULL", "NULL", "NULL")
	expectRows(t, in, bin(logical.OpOr, lit(nil, logical.Null), in.ref(1), logical.Bool),
		"true", "NULL", "NULL", "true", "NULL", "NULL", "true", "NULL", "NULL")
	// Without nulls (the fast path).
	in = newInput(bools(t, true, true, false, false), bools(t, true, false, true, false))
	expectRows(t, in, bin(logical.OpAnd, in.ref(0), in.ref(1), logical.Bool), "true", "false", "false", "false")
	expectRows(t, in, bin(logical.OpOr, in.ref(0), in.ref(1), logical.Bool), "true", "true", "true", "false")
}

func TestIsPredicates(t *testing.T) {
	in := newInput(bools(t, true, false, nil), ints(t, 1, nil, 3))
	is := func(op logical.UnaryOp, e logical.Expr) logical.Expr {
		return &logical.UnaryExpr{Op: op, Input: e, Typ: logical.Bool}
	}
	expectRows(t, in, is(logical.OpIsNull, in.ref(1)), "false", "true", "false")
	expectRows(t, in, is(logical.OpIsNotNull, in.ref(1)), "true", "false", "true")
	expectRows(t, in, is(logical.OpIsTrue, in.ref(0)), "true", "false", "false")
	expectRows(t, in, is(logical.OpIsFalse, in.ref(0)), "false", "true", "false")
	expectRows(t, in, is(logical.OpIsNotTrue, in.ref(0)), "false", "true", "true")
	expectRows(t, in, is(logical.OpIsNotFalse, in.ref(0)), "true", "false", "true")
}

func TestFilterMask(t *testing.T) {
	in := newInput(ints(t, 1, nil, 3, 4))
	pred, err := Compile(cmpx(logical.OpGt, in.ref(0), lit(1, logical.Int64)), in.cols)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFilter(pred, []int{0})
	m, err := f.Mask(in.batch)
	if err != nil {
		t.Fatal(err)
	}
	if m.NullN() != 0 {
		t.Errorf("mask has %d nulls", m.NullN())
	}
	if got := strings.Join(rowsOf(m), ","); got != "false,false,true,true" {
		t.Errorf("mask = %s", got)
	}
	if cols := f.FilterColumns(); len(cols) != 1 || cols[0] != 0 {
		t.Errorf("FilterColumns = %v", cols)
	}
}
