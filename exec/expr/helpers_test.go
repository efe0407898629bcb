package expr

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Test helpers: columns are built from Go values (nil = NULL), expressions
// from logical nodes, and results compared as the strings a user would see
// (logical.FormatPlain), so expectations read like SQL output.

func build(t testing.TB, typ arrow.DataType, vals ...any) arrow.Array {
	t.Helper()
	a, err := arrayFromValues(typ, vals)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ints(t testing.TB, vals ...any) arrow.Array {
	for i, v := range vals {
		if x, ok := v.(int); ok {
			vals[i] = int64(x)
		}
	}
	return build(t, logical.Int64, vals...)
}

func floats(t testing.TB, vals ...any) arrow.Array { return build(t, logical.Float64, vals...) }
func strs(t testing.TB, vals ...any) arrow.Array   { return build(t, logical.String, vals...) }
func bools(t testing.TB, vals ...any) arrow.Array  { return build(t, logical.Bool, vals...) }

// decs builds DECIMAL(p,s) from text values.
func decs(t testing.TB, p, s int32, vals ...any) arrow.Array {
	t.Helper()
	for i, v := range vals {
		if str, ok := v.(string); ok {
			vals[i] = decVal(t, str, s)
		}
	}
	return build(t, logical.Decimal(p, s), vals...)
}

func decVal(t testing.TB, s string, scale int32) num {
	t.Helper()
	d, ok, ovf := parseDecimal([]byte(s), scale)
	if !ok || ovf {
		t.Fatalf("bad decimal %q", s)
	}
	return d
}

func dateVal(t testing.TB, s string) arrow.Date32 {
	t.Helper()
	d, ok := parseDate([]byte(s))
	if !ok {
		t.Fatalf("bad date %q", s)
	}
	return arrow.Date32(d)
}

func dates(t testing.TB, vals ...any) arrow.Array {
	t.Helper()
	for i, v := range vals {
		if s, ok := v.(string); ok {
			vals[i] = dateVal(t, s)
		}
	}
	return build(t, logical.Date, vals...)
}

// input is a batch plus the logical columns describing it (IDs 1..n).
type input struct {
	batch arrow.RecordBatch
	cols  []logical.Column
}

func newInput(arrs ...arrow.Array) input {
	fields := make([]arrow.Field, len(arrs))
	cols := make([]logical.Column, len(arrs))
	n := 1
	for i, a := range arrs {
		name := fmt.Sprintf("c%d", i+1)
		fields[i] = arrow.Field{Name: name, Type: a.DataType(), Nullable: true}
		cols[i] = logical.Column{ID: logical.ColumnID(i + 1), Name: name, Type: a.DataType(), Nullable: true}
		n = a.Len()
	}
	return input{batch: array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(n)), cols: cols}
}

// ref returns a reference to column i (0-based) of the input.
func (in input) ref(i int) *logical.ColumnRef { return in.cols[i].Ref() }

func lit(v any, t arrow.DataType) *logical.Literal {
	if x, ok := v.(int); ok {
		v = int64(x)
	}
	return &logical.Literal{Value: v, Typ: t}
}

func bin(op logical.BinaryOp, l, r logical.Expr, t arrow.DataType) *logical.BinaryExpr {
	return &logical.BinaryExpr{Op: op, Left: l, Right: r, Typ: t}
}

func cmpx(op logical.BinaryOp, l, r logical.Expr) *logical.BinaryExpr {
	return bin(op, l, r, logical.Bool)
}

func fn(name string, t arrow.DataType, args ...logical.Expr) *logical.FuncCall {
	return &logical.FuncCall{Name: name, Args: args, Typ: t}
}

// eval compiles e against in and returns the result rows as text.
func eval(t testing.TB, in input, e logical.Expr) []string {
	t.Helper()
	res, err := evalErr(in, e)
	if err != nil {
		t.Fatalf("%s: %v", e, err)
	}
	return res
}

func evalErr(in input, e logical.Expr) ([]string, error) {
	x, err := Compile(e, in.cols)
	if err != nil {
		return nil, err
	}
	a, err := x.Eval(in.batch)
	if err != nil {
		return nil, err
	}
	if a.Len() != int(in.batch.NumRows()) {
		return nil, fmt.Errorf("result has %d rows, batch %d", a.Len(), in.batch.NumRows())
	}
	if e.Type() != nil && !arrow.TypeEqual(a.DataType(), e.Type()) && e.Type().ID() != arrow.NULL {
		return nil, fmt.Errorf("result type %s, expression type %s", a.DataType(), e.Type())
	}
	return rowsOf(a), nil
}

func rowsOf(a arrow.Array) []string {
	out := make([]string, a.Len())
	for i := range out {
		out[i] = logical.FormatPlain(ScalarValue(a, i), a.DataType())
	}
	return out
}

func expectRows(t testing.TB, in input, e logical.Expr, want ...string) {
	t.Helper()
	got := eval(t, in, e)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s\n got: %v\nwant: %v", e, got, want)
	}
}
