package wire

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// roundTrip encodes plan, decodes it with env and checks that the decoded
// plan prints the same and encodes to the same bytes.
func roundTrip(t *testing.T, plan exec.Exec, env DecodeEnv) (exec.Exec, []byte) {
	t.Helper()
	data, err := EncodePlan(plan)
	if err != nil {
		t.Fatalf("encode: %v\n%s", err, exec.Format(plan))
	}
	decoded, err := DecodePlan(data, env)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, exec.Format(plan))
	}
	if got, want := exec.Format(decoded), exec.Format(plan); got != want {
		t.Fatalf("decoded plan differs\n--- decoded\n%s--- original\n%s", got, want)
	}
	again, err := EncodePlan(decoded)
	if err != nil {
		t.Fatalf("encode decoded: %v", err)
	}
	if !bytes.Equal(again, data) {
		t.Fatalf("re-encoding the decoded plan gives other bytes (%d vs %d)", len(again), len(data))
	}
	return decoded, data
}

func TestTPCHRoundTrip(t *testing.T) {
	kinds := map[string]bool{}
	for q := 1; q <= 22; q++ {
		t.Run(fmt.Sprintf("Q%02d", q), func(t *testing.T) {
			plan := tpchPlan(t, q)
			decoded, data := roundTrip(t, plan, envFor(plan))
			want, got := rowsOf(t, plan, false), rowsOf(t, decoded, false)
			if !slices.Equal(got, want) {
				t.Fatalf("decoded plan returns %d rows, the original %d\nfirst decoded: %q\nfirst original: %q",
					len(got), len(want), first(got), first(want))
			}
			if len(want) == 0 {
				t.Logf("Q%d returns no rows", q)
			}
			var walk func(exec.Exec)
			walk = func(x exec.Exec) {
				kinds[fmt.Sprintf("%T", x)] = true
				for _, c := range x.Children() {
					walk(c)
				}
			}
			walk(plan)
			t.Logf("Q%d: %d operators, %d bytes", q, countOps(plan), len(data))
		})
	}
	t.Logf("operator types covered by TPC-H: %v", keys(kinds))
}

// TestTPCHDefaultEnv decodes with the zero DecodeEnv: tables are opened
// again from their location and scans read all splits.
func TestTPCHDefaultEnv(t *testing.T) {
	for _, q := range []int{1, 6, 9, 19} {
		plan := tpchPlan(t, q)
		data, err := EncodePlan(plan)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := DecodePlan(data, DecodeEnv{})
		if err != nil {
			t.Fatalf("Q%d: %v", q, err)
		}
		if got, want := rowsOf(t, decoded, false), rowsOf(t, plan, false); !slices.Equal(got, want) {
			t.Fatalf("Q%d: decoded plan returns %d rows, the original %d", q, len(got), len(want))
		}
		// Partitions overrides the scans' partition count.
		one, err := DecodePlan(data, DecodeEnv{Partitions: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range Scans(one) {
			if s.Partitions() != 1 {
				t.Fatalf("Q%d: scan of %s has %d partitions with DecodeEnv.Partitions 1", q, s.TableName(), s.Partitions())
			}
		}
	}
}

func first(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}

func countOps(x exec.Exec) int {
	n := 1
	for _, c := range x.Children() {
		n += countOps(c)
	}
	return n
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// valuesExec returns a one-batch ValuesExec of the given columns.
func valuesExec(t *testing.T, cols ...arrow.Array) *exec.ValuesExec {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: fmt.Sprintf("c%d", i), Type: c.DataType(), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	rows := int64(0)
	if len(cols) > 0 {
		rows = int64(cols[0].Len())
	}
	return exec.NewValuesExec(schema, []arrow.RecordBatch{array.NewRecordBatch(schema, cols, rows)})
}

func int64Array(vals ...int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func stringArray(vals ...string) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func columnsOf(schema *arrow.Schema) []logical.Column {
	cols := make([]logical.Column, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = logical.Column{ID: logical.ColumnID(i + 1), Name: f.Name, Table: "t", Type: f.Type, Nullable: f.Nullable}
	}
	return cols
}

func compile(t *testing.T, e logical.Expr, input []logical.Column) expr.Expr {
	t.Helper()
	x, err := expr.Compile(e, input)
	if err != nil {
		t.Fatalf("compile %s: %v", e, err)
	}
	return x
}

// TestLiteralsAndExprs round-trips a projection of every literal value type
// and every expression kind, and runs it.
func TestLiteralsAndExprs(t *testing.T) {
	in := valuesExec(t, int64Array(1, 2, 3), stringArray("apple", "b%c", "cherry"))
	cols := columnsOf(in.Schema())
	a, s := cols[0].Ref(), cols[1].Ref()
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	lit := func(v any, typ arrow.DataType) *logical.Literal { return &logical.Literal{Value: v, Typ: typ} }
	exprs := []logical.Expr{
		lit(nil, nil),
		lit(nil, logical.Int32),
		lit(true, logical.Bool),
		lit(false, logical.Bool),
		lit(int64(-7), logical.Int8),
		lit(int64(1<<40), logical.Int64),
		lit(int64(7), arrow.PrimitiveTypes.Uint32),
		lit(2.5, logical.Float64),
		lit(float64(float32(1.25)), logical.Float32),
		lit(decimal128.FromI64(-12345), dec),
		lit(decimal128.New(1, 5), &arrow.Decimal128Type{Precision: 38, Scale: 0}),
		lit("it's", logical.String),
		lit(arrow.Date32(9000), logical.Date),
		lit(arrow.Timestamp(1_700_000_000_123_456), logical.Timestamp),
		lit(arrow.MonthDayNanoInterval{Months: 1, Days: -2, Nanoseconds: 3}, logical.Interval),
		&logical.BinaryExpr{Op: logical.OpAdd, Left: a, Right: lit(int64(1), logical.Int64), Typ: logical.Int64},
		&logical.BinaryExpr{Op: logical.OpLt, Left: a, Right: lit(int64(2), logical.Int64), Typ: logical.Bool},
		&logical.UnaryExpr{Op: logical.OpIsNull, Input: s, Typ: logical.Bool},
		&logical.UnaryExpr{Op: logical.OpNeg, Input: a, Typ: logical.Int64},
		&logical.FuncCall{Name: "upper", Args: []logical.Expr{s}, Typ: logical.String},
		&logical.FuncCall{Name: "substring", Args: []logical.Expr{s, lit(int64(2), logical.Int64), lit(int64(2), logical.Int64)}, Typ: logical.String},
		&logical.CaseExpr{
			Whens: []logical.Expr{&logical.BinaryExpr{Op: logical.OpEq, Left: a, Right: lit(int64(1), logical.Int64), Typ: logical.Bool}},
			Thens: []logical.Expr{lit("one", logical.String)},
			Else:  s, Typ: logical.String,
		},
		&logical.CaseExpr{
			Operand: a,
			Whens:   []logical.Expr{lit(int64(2), logical.Int64)},
			Thens:   []logical.Expr{lit("two", logical.String)},
			Typ:     logical.String,
		},
		&logical.CastExpr{Input: a, Typ: dec},
		&logical.CastExpr{Input: a, Typ: logical.Int32},
		&logical.InListExpr{Input: a, List: []logical.Expr{lit(int64(1), logical.Int64), lit(int64(3), logical.Int64)}},
		&logical.InListExpr{Input: s, List: []logical.Expr{lit("apple", logical.String)}, Negated: true},
		&logical.LikeExpr{Input: s, Pattern: lit("b!%%", logical.String), Escape: '!'},
		&logical.LikeExpr{Input: s, Pattern: lit("%rr%", logical.String), Negated: true, Escape: '\\'},
	}
	phys := make([]expr.Expr, len(exprs))
	names := make([]string, len(exprs))
	for i, e := range exprs {
		phys[i] = compile(t, e, cols)
		names[i] = fmt.Sprintf("e%d", i)
	}
	plan := exec.NewProjectionExec(in, phys, names)
	decoded, _ := roundTrip(t, plan, DecodeEnv{})
	if got, want := rowsOf(t, decoded, true), rowsOf(t, plan, true); !slices.Equal(got, want) {
		t.Fatalf("rows differ:\n%q\n%q", got, want)
	}
}

// TestOperators covers the operators TPC-H plans do not use, and every
// join kind and aggregation mode, over small inputs.
func TestOperators(t *testing.T) {
	left := valuesExec(t, int64Array(1, 2, 3, 4), stringArray("a", "b", "c", "d"))
	right := valuesExec(t, int64Array(2, 3, 5), stringArray("x", "y", "z"))
	lc, rc := columnsOf(left.Schema()), columnsOf(right.Schema())
	for i := range rc {
		rc[i].ID += 10
	}
	both := append(slices.Clone(lc), rc...)
	lkey := compile(t, lc[0].Ref(), lc)
	rkey := compile(t, rc[0].Ref(), rc)
	residual := compile(t, &logical.BinaryExpr{Op: logical.OpNotEq, Left: lc[1].Ref(), Right: rc[1].Ref(), Typ: logical.Bool}, both)
	castKey := compile(t, &logical.CastExpr{Input: lc[0].Ref(), Typ: logical.Float64}, lc)
	castKeyR := compile(t, &logical.CastExpr{Input: rc[0].Ref(), Typ: logical.Float64}, rc)

	var plans []exec.Exec
	for _, kind := range []logical.JoinKind{logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinAntiNullAware, logical.JoinLeftMark} {
		j, err := exec.NewHashJoinExec(left, right, kind, []expr.Expr{lkey}, []expr.Expr{rkey}, residual, exec.JoinCollectBuild, "mark")
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, j)
	}
	for _, kind := range []logical.JoinKind{logical.JoinInner, logical.JoinRight, logical.JoinFull} {
		l := exec.NewRepartitionExec(left, []expr.Expr{castKey}, 3)
		r := exec.NewRepartitionExec(right, []expr.Expr{castKeyR}, 3)
		j, err := exec.NewHashJoinExec(l, r, kind, []expr.Expr{castKey}, []expr.Expr{castKeyR}, nil, exec.JoinPartitioned, "")
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, j)
	}
	for _, kind := range []logical.JoinKind{logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinLeftMark} {
		j, err := exec.NewNestedLoopJoinExec(left, right, kind, residual, "m")
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, j)
	}
	cross, err := exec.NewNestedLoopJoinExec(left, right, logical.JoinInner, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	plans = append(plans, cross)

	// Aggregations: single with DISTINCT, and partial/final over a round-robin repartition.
	group := compile(t, &logical.BinaryExpr{Op: logical.OpMod, Left: lc[0].Ref(), Right: &logical.Literal{Value: int64(2), Typ: logical.Int64}, Typ: logical.Int64}, lc)
	specs := []exec.AggregateSpec{
		{Func: logical.AggCountStar, Type: logical.Int64, Name: "n"},
		{Func: logical.AggCount, Arg: compile(t, lc[1].Ref(), lc), Type: logical.Int64, Name: "c"},
		{Func: logical.AggSum, Arg: lkey, Type: logical.Int64, Name: "s"},
		{Func: logical.AggAvg, Arg: lkey, Type: logical.Decimal(38, 4), Name: "a"},
		{Func: logical.AggMin, Arg: compile(t, lc[1].Ref(), lc), Type: logical.String, Name: "lo"},
		{Func: logical.AggMax, Arg: lkey, Type: logical.Int64, Name: "hi"},
	}
	single, err := exec.NewHashAggregateExec(left, exec.AggSingle, []expr.Expr{group}, []string{"g"},
		append(slices.Clone(specs), exec.AggregateSpec{Func: logical.AggCount, Distinct: true, Arg: lkey, Type: logical.Int64, Name: "d"}))
	if err != nil {
		t.Fatal(err)
	}
	plans = append(plans, single)
	rr := exec.NewRepartitionExec(left, nil, 2)
	partial, err := exec.NewHashAggregateExec(rr, exec.AggPartial, []expr.Expr{group}, []string{"g"}, specs)
	if err != nil {
		t.Fatal(err)
	}
	final, err := exec.NewHashAggregateExec(exec.NewCoalesceExec(partial), exec.AggFinal,
		[]expr.Expr{expr.NewColumn(0, "g", logical.Int64)}, []string{"g"}, specs)
	if err != nil {
		t.Fatal(err)
	}
	plans = append(plans, final)
	global, err := exec.NewHashAggregateExec(left, exec.AggSingle, nil, nil, specs[:1])
	if err != nil {
		t.Fatal(err)
	}
	plans = append(plans, global)

	// Sorts, merges, limits, unions, empty values.
	keys := []exec.SortKey{{Expr: compile(t, lc[1].Ref(), lc), Desc: true, NullsFirst: true}, {Expr: lkey}}
	sorted := exec.NewSortExec(exec.NewRepartitionExec(left, nil, 2), keys, 3)
	plans = append(plans,
		exec.NewLimitExec(exec.NewSortPreservingMergeExec(sorted, keys, 3), 1, 2),
		exec.NewSortPreservingMergeExec(exec.NewSortExec(exec.NewRepartitionExec(left, nil, 2), keys, -1), keys, -1),
		exec.NewLimitExec(exec.NewCoalesceExec(exec.NewLocalLimitExec(exec.NewRepartitionExec(left, nil, 2), 3)), 0, -1),
		exec.NewValuesExec(left.Schema(), nil),
		exec.NewEnforceSingleRowExec(exec.NewLimitExec(exec.NewCoalesceExec(left), 0, 1)),
		exec.NewEnforceSingleRowPerKeyExec(exec.NewCoalesceExec(left), []int{0}),
		exec.NewFilterExec(left, compile(t, &logical.BinaryExpr{Op: logical.OpGt, Left: lc[0].Ref(), Right: &logical.Literal{Value: int64(2), Typ: logical.Int64}, Typ: logical.Bool}, lc)),
	)
	union, err := exec.NewUnionExec([]exec.Exec{left, exec.NewRepartitionExec(left, nil, 2), left}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plans = append(plans, union)

	for _, plan := range plans {
		decoded, _ := roundTrip(t, plan, DecodeEnv{})
		if got, want := rowsOf(t, decoded, false), rowsOf(t, plan, false); !slices.Equal(got, want) {
			t.Fatalf("%s: rows differ:\n%q\n%q", plan, got, want)
		}
	}
}

func TestTypes(t *testing.T) {
	types := []arrow.DataType{
		arrow.Null, arrow.FixedWidthTypes.Boolean,
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64,
		&arrow.Decimal128Type{Precision: 1, Scale: 0}, &arrow.Decimal128Type{Precision: 38, Scale: 38}, &arrow.Decimal128Type{Precision: 15, Scale: 2},
		arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.Binary,
		arrow.FixedWidthTypes.Date32,
		arrow.FixedWidthTypes.Timestamp_s, arrow.FixedWidthTypes.Timestamp_us, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"},
		arrow.FixedWidthTypes.MonthDayNanoInterval,
	}
	for _, typ := range types {
		var e Encoder
		e.DataType(typ)
		if e.err != nil {
			t.Fatalf("%s: %v", typ, e.err)
		}
		d := newDecoder(e.buf, nil)
		got := d.DataType(false)
		if d.err != nil || !arrow.TypeEqual(got, typ) || d.pos != len(e.buf) {
			t.Fatalf("%s decodes as %v (%v)", typ, got, d.err)
		}
	}
	var e Encoder
	e.DataType(arrow.ListOf(arrow.PrimitiveTypes.Int64))
	if e.err == nil {
		t.Fatal("list type encoded")
	}
	// Invalid decimals and unknown tags are refused.
	for _, raw := range [][]byte{
		{typeDecimal, 0, 0}, {typeDecimal, 39, 2}, {typeDecimal, 10, 11}, {typeTimestamp, 9, 0}, {99}, {typeNil},
	} {
		d := newDecoder(raw, nil)
		if got := d.DataType(false); d.err == nil {
			t.Fatalf("%v decoded as %v", raw, got)
		}
	}
}

func TestColumnInputValidation(t *testing.T) {
	in := valuesExec(t, int64Array(1, 2))
	// A column past the end of the input.
	bad := exec.NewFilterExec(in, expr.NewColumn(3, "x", logical.Bool))
	data, err := EncodePlan(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodePlan(data, DecodeEnv{}); err == nil {
		t.Fatal("column out of range accepted")
	} else {
		t.Log(err)
	}
	// A compiled expression whose input does not match the child's columns.
	other := []logical.Column{{ID: 1, Name: "a", Type: logical.String}}
	pred := compile(t, &logical.UnaryExpr{Op: logical.OpIsNull, Input: other[0].Ref(), Typ: logical.Bool}, other)
	data, err = EncodePlan(exec.NewFilterExec(in, pred))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodePlan(data, DecodeEnv{}); err == nil {
		t.Fatal("mistyped input accepted")
	} else {
		t.Log(err)
	}
	// Expressions not built by Compile cannot be encoded.
	if _, err := EncodePlan(exec.NewFilterExec(in, opaque{})); err == nil {
		t.Fatal("opaque expression encoded")
	}
	_ = context.Background
}

type opaque struct{}

func (opaque) Eval(arrow.RecordBatch) (arrow.Array, error) { return nil, nil }
func (opaque) DataType() arrow.DataType                    { return logical.Bool }
func (opaque) String() string                              { return "opaque" }

func nilFilterOr(pred expr.Expr, cols []int) catalog.Filter {
	if pred == nil {
		return nil
	}
	return expr.NewFilter(pred, cols)
}
