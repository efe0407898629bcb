package exec

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

var (
	tInt   = arrow.PrimitiveTypes.Int64
	tI32   = arrow.PrimitiveTypes.Int32
	tF64   = arrow.PrimitiveTypes.Float64
	tStr   = arrow.BinaryTypes.String
	tDate  = arrow.FixedWidthTypes.Date32
	tBool  = arrow.FixedWidthTypes.Boolean
	tMoney = &arrow.Decimal128Type{Precision: 15, Scale: 2}
)

func tDec(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }

func col(s *arrow.Schema, name string) expr.Expr {
	idx := s.FieldIndices(name)
	if len(idx) != 1 {
		panic("no column " + name)
	}
	return expr.NewColumn(idx[0], name, s.Field(idx[0]).Type)
}

func agg(f logical.AggFunc, arg expr.Expr, typ arrow.DataType, name string) AggregateSpec {
	return AggregateSpec{Func: f, Arg: arg, Type: typ, Name: name}
}

func mustAgg(t testing.TB, input Exec, mode AggMode, groupBy []expr.Expr, names []string, aggs []AggregateSpec) *HashAggregateExec {
	t.Helper()
	a, err := NewHashAggregateExec(input, mode, groupBy, names, aggs)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// twoPhase runs partial aggregation over input's partitions, gathers the
// partial rows (standing in for a repartition/coalesce) and merges them
// with a final aggregation over finalParts partitions split by group key.
func twoPhase(t testing.TB, input Exec, groupBy []expr.Expr, names []string, aggs []AggregateSpec, finalParts int) []arrow.RecordBatch {
	t.Helper()
	partial := mustAgg(t, input, AggPartial, groupBy, names, aggs)
	pb := mustCollect(t, partial)
	finalGroup := make([]expr.Expr, len(groupBy))
	for i, g := range groupBy {
		finalGroup[i] = expr.NewColumn(i, names[i], g.DataType())
	}
	if len(groupBy) == 0 {
		finalParts = 1
	}
	// Route each partial row by its rendered key so a group lands in one partition.
	parts := make([][]arrow.RecordBatch, finalParts)
	for _, b := range pb {
		rows := testRows([]arrow.RecordBatch{b})
		for r := range rows {
			key := strings.Join(rows[r][:len(groupBy)], "|")
			p := int(testHashString(key) % uint32(finalParts))
			parts[p] = append(parts[p], b.NewSlice(int64(r), int64(r+1)))
		}
	}
	final := mustAgg(t, newTestSource(partial.Schema(), parts...), AggFinal, finalGroup, names, aggs)
	return mustCollect(t, final)
}

func testHashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func TestHashAggregateQ1Like(t *testing.T) {
	s := testSchema("flag", tStr, "status", tStr, "qty", tMoney, "price", tMoney, "ship", tDate)
	b1 := testBatch(s,
		testArray(tStr, "A", "N", "A", "R"),
		testArray(tStr, "F", "O", "F", "F"),
		testArray(tMoney, "17.00", "36.00", "8.00", "28.00"),
		testArray(tMoney, "21168.23", "45983.16", "13309.60", "28955.64"),
		testArray(tDate, "1996-03-13", "1996-04-12", "1996-01-29", "1996-04-21"))
	b2 := testBatch(s,
		testArray(tStr, "N", "A"),
		testArray(tStr, "O", "F"),
		testArray(tMoney, "24.00", "32.00"),
		testArray(tMoney, "22824.48", "49620.16"),
		testArray(tDate, "1996-03-30", "1996-01-30"))
	aggs := []AggregateSpec{
		agg(logical.AggSum, col(s, "qty"), tDec(38, 2), "sum_qty"),
		agg(logical.AggSum, col(s, "price"), tDec(38, 2), "sum_price"),
		agg(logical.AggAvg, col(s, "qty"), tDec(38, 6), "avg_qty"),
		agg(logical.AggCountStar, nil, tInt, "count_order"),
		agg(logical.AggMin, col(s, "ship"), tDate, "min_ship"),
	}
	group := []expr.Expr{col(s, "flag"), col(s, "status")}
	names := []string{"flag", "status"}
	want := "A|F|57.00|84097.99|19.000000|3|1996-01-29\nN|O|60.00|68807.64|30.000000|2|1996-03-30\nR|F|28.00|28955.64|28.000000|1|1996-04-21"

	single := mustAgg(t, newTestSource(s, []arrow.RecordBatch{b1, b2}), AggSingle, group, names, aggs)
	if got := testSorted(testRows(mustCollect(t, single))); got != want {
		t.Fatalf("single:\n%s\nwant\n%s", got, want)
	}
	if got := testSorted(testRows(twoPhase(t, newTestSource(s, []arrow.RecordBatch{b1}, []arrow.RecordBatch{b2}), group, names, aggs, 2))); got != want {
		t.Fatalf("two-phase:\n%s\nwant\n%s", got, want)
	}
	wantStr := "HashAggregateExec: mode=Single group=[flag@0, status@1] aggs=[sum(qty@2), sum(price@3), avg(qty@2), count(*), min(ship@4)]"
	if got := single.String(); got != wantStr {
		t.Errorf("String = %q\nwant %q", got, wantStr)
	}
	partial := mustAgg(t, newTestSource(s), AggPartial, group, names, aggs)
	var ps []string
	for _, f := range partial.Schema().Fields() {
		ps = append(ps, f.Name+":"+logical.TypeName(f.Type))
	}
	wantPS := "flag:VARCHAR status:VARCHAR sum_qty[sum]:DECIMAL(38,2) sum_price[sum]:DECIMAL(38,2) avg_qty[sum]:DECIMAL(38,2) avg_qty[count]:BIGINT count_order[count]:BIGINT min_ship[min]:DATE"
	if got := strings.Join(ps, " "); got != wantPS {
		t.Errorf("partial schema %s\nwant %s", got, wantPS)
	}
	if !partial.PartialSchema().Equal(partial.Schema()) {
		t.Error("PartialSchema differs from the partial output schema")
	}
}

func TestHashAggregateNulls(t *testing.T) {
	s := testSchema("k", tInt, "ks", tStr, "v", tInt, "d", tMoney)
	b := testBatch(s,
		testArray(tInt, 1, nil, 1, nil, 2, 3),
		testArray(tStr, "x", nil, "x", nil, "y", "z"),
		testArray(tInt, nil, 5, nil, 7, 1, nil),
		testArray(tMoney, nil, "1.50", nil, nil, "2.25", nil))
	aggs := []AggregateSpec{
		agg(logical.AggCountStar, nil, tInt, "cs"),
		agg(logical.AggCount, col(s, "v"), tInt, "c"),
		agg(logical.AggSum, col(s, "v"), tInt, "sv"),
		agg(logical.AggAvg, col(s, "v"), tDec(38, 4), "av"),
		agg(logical.AggMin, col(s, "d"), tMoney, "mind"),
		agg(logical.AggMax, col(s, "v"), tInt, "maxv"),
		agg(logical.AggSum, col(s, "d"), tDec(38, 2), "sd"),
	}
	want := "1|2|0|NULL|NULL|NULL|NULL|NULL\n2|1|1|1|1.0000|2.25|1|2.25\n3|1|0|NULL|NULL|NULL|NULL|NULL\nNULL|2|2|12|6.0000|1.50|7|1.50"
	for _, key := range []string{"k", "ks"} { // int table and byte table
		w := want
		if key == "ks" {
			w = strings.NewReplacer("1|", "x|", "2|", "y|", "3|", "z|").Replace(want)
			w = strings.Replace(w, "x|0|", "1|0|", 1) // undo: only the key column is renamed
		}
		group := []expr.Expr{col(s, key)}
		for _, src := range []Exec{newTestSource(s, []arrow.RecordBatch{b}), newTestSource(s, []arrow.RecordBatch{b.NewSlice(0, 3)}, []arrow.RecordBatch{b.NewSlice(3, 6)})} {
			var out []arrow.RecordBatch
			if src.Partitions() == 1 {
				out = mustCollect(t, mustAgg(t, src, AggSingle, group, []string{"k"}, aggs))
			} else {
				out = twoPhase(t, src, group, []string{"k"}, aggs, 2)
			}
			rows := testRows(out)
			if key == "ks" {
				for _, r := range rows {
					r[0] = map[string]string{"x": "1", "y": "2", "z": "3", "NULL": "NULL"}[r[0]]
				}
			}
			if got := testSorted(rows); got != want {
				t.Errorf("key %s, %d partitions:\n%s\nwant\n%s", key, src.Partitions(), got, want)
			}
		}
	}
}

func TestHashAggregateEmpty(t *testing.T) {
	s := testSchema("k", tInt, "d", tMoney)
	aggs := []AggregateSpec{
		agg(logical.AggCountStar, nil, tInt, "cs"),
		agg(logical.AggSum, col(s, "d"), tDec(38, 2), "sd"),
		agg(logical.AggAvg, col(s, "d"), tDec(38, 6), "ad"),
		agg(logical.AggMax, col(s, "d"), tMoney, "md"),
	}
	src := newTestSource(s, nil, nil)
	if got := testJoin(testRows(mustCollect(t, mustAgg(t, newTestSource(s), AggSingle, nil, nil, aggs)))); got != "0|NULL|NULL|NULL" {
		t.Errorf("no groups: %q", got)
	}
	partial := mustCollect(t, mustAgg(t, src, AggPartial, nil, nil, aggs))
	if got := testJoin(testRows(partial)); got != "0|NULL|NULL|0|NULL\n0|NULL|NULL|0|NULL" {
		t.Errorf("partial: %q", got)
	}
	if got := testJoin(testRows(twoPhase(t, src, nil, nil, aggs, 1))); got != "0|NULL|NULL|NULL" {
		t.Errorf("two-phase: %q", got)
	}
	if out := mustCollect(t, mustAgg(t, src, AggSingle, []expr.Expr{col(s, "k")}, []string{"k"}, aggs)); len(out) != 0 {
		t.Errorf("grouped empty input gave %d batches", len(out))
	}
	// A final aggregation over zero partial rows still gives one row.
	p := mustAgg(t, src, AggPartial, nil, nil, aggs)
	f := mustAgg(t, newTestSource(p.Schema()), AggFinal, nil, nil, aggs)
	if got := testJoin(testRows(mustCollect(t, f))); got != "0|NULL|NULL|NULL" {
		t.Errorf("final of nothing: %q", got)
	}
}

func TestHashAggregateDecimalExact(t *testing.T) {
	s := testSchema("d", tDec(38, 2))
	big1 := "12345678901234567890.12" // far beyond int64 when summed
	b := testBatch(s, testArray(tDec(38, 2), big1, big1, big1, "-0.01", "99999999999999999999999999.99"))
	aggs := []AggregateSpec{agg(logical.AggSum, col(s, "d"), tDec(38, 2), "s"), agg(logical.AggAvg, col(s, "d"), tDec(38, 6), "a")}
	got := testJoin(testRows(mustCollect(t, mustAgg(t, newTestSource(s, []arrow.RecordBatch{b}), AggSingle, nil, nil, aggs))))
	sum := "100000037037036703703703670.34"
	if want := sum + "|20000007407407340740740734.068000"; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
	// Overflow of DECIMAL(38) is an error, not a wrong answer.
	huge := "999999999999999999999999999999999999.99"
	hb := testBatch(s, testArray(tDec(38, 2), huge, huge))
	_, err := Collect(testCtx(), mustAgg(t, newTestSource(s, []arrow.RecordBatch{hb}), AggSingle, nil, nil, aggs[:1]))
	if err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("overflow: err = %v", err)
	}
	// BIGINT sum overflow is detected too.
	is := testSchema("i", tInt)
	ib := testBatch(is, testArray(tInt, 1<<62, 1<<62, 1<<62))
	_, err = Collect(testCtx(), mustAgg(t, newTestSource(is, []arrow.RecordBatch{ib}), AggSingle, nil, nil, []AggregateSpec{agg(logical.AggSum, col(is, "i"), tInt, "s")}))
	if err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("int overflow: err = %v", err)
	}
}

func TestHashAggregateAvgRounding(t *testing.T) {
	s := testSchema("g", tInt, "i", tInt, "d", tDec(10, 0), "m", tMoney)
	// group 1: 1 and 31 zeros → 1/32 = 0.03125 → 0.0313 (half away from zero)
	// group 2: -1 and 31 zeros → -0.0313
	// group 3: money 0.01, 0.02, 0.02 → 0.05/3 = 0.0166666.. → 0.016667
	var g, iv, dv, mv []any
	for k := 0; k < 32; k++ {
		v := 0
		if k == 0 {
			v = 1
		}
		g, iv, dv, mv = append(g, 1), append(iv, v), append(dv, v), append(mv, "0.00")
		g, iv, dv, mv = append(g, 2), append(iv, -v), append(dv, -v), append(mv, "-0.00")
	}
	for _, m := range []string{"0.01", "0.02", "0.02"} {
		g, iv, dv, mv = append(g, 3), append(iv, 2), append(dv, 3), append(mv, m)
	}
	b := testBatch(s, testArray(tInt, g...), testArray(tInt, iv...), testArray(tDec(10, 0), dv...), testArray(tMoney, mv...))
	aggs := []AggregateSpec{
		agg(logical.AggAvg, col(s, "i"), tDec(38, 4), "ai"),
		agg(logical.AggAvg, col(s, "d"), tDec(38, 4), "ad"),
		agg(logical.AggAvg, col(s, "m"), tDec(38, 6), "am"),
		agg(logical.AggAvg, col(s, "i"), tF64, "af"),
	}
	want := "1|0.0313|0.0313|0.000000|0.03125\n2|-0.0313|-0.0313|0.000000|-0.03125\n3|2.0000|3.0000|0.016667|2"
	group := []expr.Expr{col(s, "g")}
	if got := testSorted(testRows(mustCollect(t, mustAgg(t, newTestSource(s, []arrow.RecordBatch{b}), AggSingle, group, []string{"g"}, aggs)))); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Avg of ints in final mode: the Int64 sum state must be recognised.
	src := newTestSource(s, []arrow.RecordBatch{b.NewSlice(0, 40)}, []arrow.RecordBatch{b.NewSlice(40, b.NumRows())})
	if got := testSorted(testRows(twoPhase(t, src, group, []string{"g"}, aggs, 3))); got != want {
		t.Fatalf("two-phase got\n%s\nwant\n%s", got, want)
	}
}

func TestHashAggregateDistinct(t *testing.T) {
	s := testSchema("g", tStr, "v", tInt, "d", tMoney)
	b1 := testBatch(s, testArray(tStr, "a", "a", "a", "b", "b"), testArray(tInt, 1, 1, 2, nil, 3), testArray(tMoney, "1.00", "1.00", "2.50", nil, nil))
	b2 := testBatch(s, testArray(tStr, "a", "b", "b", "c"), testArray(tInt, 2, 3, 4, nil), testArray(tMoney, "2.50", "1.00", "1.00", nil))
	aggs := []AggregateSpec{
		{Func: logical.AggCount, Arg: col(s, "v"), Distinct: true, Type: tInt, Name: "cd"},
		{Func: logical.AggSum, Arg: col(s, "v"), Distinct: true, Type: tInt, Name: "sd"},
		{Func: logical.AggAvg, Arg: col(s, "d"), Distinct: true, Type: tDec(38, 6), Name: "ad"},
		agg(logical.AggCount, col(s, "v"), tInt, "c"),
	}
	a := mustAgg(t, newTestSource(s, []arrow.RecordBatch{b1, b2}), AggSingle, []expr.Expr{col(s, "g")}, []string{"g"}, aggs)
	want := "a|2|3|1.750000|4\nb|2|7|1.000000|3\nc|0|NULL|NULL|0"
	if got := testSorted(testRows(mustCollect(t, a))); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(a.String(), "count(DISTINCT v@1)") {
		t.Errorf("String = %s", a)
	}
	if _, err := NewHashAggregateExec(newTestSource(s), AggPartial, nil, nil, aggs[:1]); err == nil {
		t.Error("DISTINCT accepted in partial mode")
	}
	// COUNT(DISTINCT) without GROUP BY.
	a = mustAgg(t, newTestSource(s, []arrow.RecordBatch{b1, b2}), AggSingle, nil, nil, aggs[:1])
	if got := testJoin(testRows(mustCollect(t, a))); got != "4" {
		t.Fatalf("global count distinct = %s", got)
	}
}

func TestHashAggregateKeyTypes(t *testing.T) {
	s := testSchema("dt", tDate, "dec", tMoney, "b", tBool, "i32", tI32, "v", tInt)
	b := testBatch(s,
		testArray(tDate, "1995-01-01", "1995-01-02", "1995-01-01", nil, "1995-01-02"),
		testArray(tMoney, "1.10", "1.10", "2.00", nil, "1.10"),
		testArray(tBool, true, false, true, nil, false),
		testArray(tI32, 7, -1, 7, nil, -1),
		testArray(tInt, 1, 2, 3, 4, 5))
	sum := []AggregateSpec{agg(logical.AggSum, col(s, "v"), tInt, "s")}
	cases := []struct {
		keys []string
		want string
	}{
		{[]string{"dt"}, "1995-01-01|4\n1995-01-02|7\nNULL|4"},
		{[]string{"dec"}, "1.10|8\n2.00|3\nNULL|4"},
		{[]string{"b"}, "NULL|4\nfalse|7\ntrue|4"},
		{[]string{"i32"}, "-1|7\n7|4\nNULL|4"},
		{[]string{"dt", "dec"}, "1995-01-01|1.10|1\n1995-01-01|2.00|3\n1995-01-02|1.10|7\nNULL|NULL|4"},
		{[]string{"b", "i32", "dt"}, "NULL|NULL|NULL|4\nfalse|-1|1995-01-02|7\ntrue|7|1995-01-01|4"},
	}
	for _, c := range cases {
		var group []expr.Expr
		for _, k := range c.keys {
			group = append(group, col(s, k))
		}
		got := testSorted(testRows(mustCollect(t, mustAgg(t, newTestSource(s, []arrow.RecordBatch{b}), AggSingle, group, c.keys, sum))))
		if got != c.want {
			t.Errorf("keys %v:\n%s\nwant\n%s", c.keys, got, c.want)
		}
	}
}

func TestHashAggregateMemoryLimit(t *testing.T) {
	s := testSchema("k", tInt)
	vals := make([]any, 100000)
	for i := range vals {
		vals[i] = i
	}
	b := testBatch(s, testArray(tInt, vals...))
	a := mustAgg(t, newTestSource(s, []arrow.RecordBatch{b}), AggSingle, []expr.Expr{col(s, "k")}, []string{"k"},
		[]AggregateSpec{agg(logical.AggCountStar, nil, tInt, "c")})
	ctx := NewTaskContext(context.Background(), 64<<10)
	_, err := Collect(ctx, a)
	var mle *MemoryLimitError
	if !errors.As(err, &mle) || !strings.Contains(err.Error(), "HashAggregateExec") {
		t.Fatalf("err = %v", err)
	}
	if used := ctx.Memory.Used(); used != 0 {
		t.Errorf("%d bytes still reserved after failure", used)
	}
	// With room enough it works and releases everything.
	ctx = NewTaskContext(context.Background(), 64<<20)
	if _, err := Collect(ctx, a); err != nil {
		t.Fatal(err)
	}
	if ctx.Memory.Used() != 0 || ctx.Memory.Peak() == 0 {
		t.Errorf("used=%d peak=%d", ctx.Memory.Used(), ctx.Memory.Peak())
	}
}

func TestHashAggregateBatchSize(t *testing.T) {
	s := testSchema("k", tInt)
	vals := make([]any, 1000)
	for i := range vals {
		vals[i] = i % 100
	}
	a := mustAgg(t, newTestSource(s, []arrow.RecordBatch{testBatch(s, testArray(tInt, vals...))}), AggSingle,
		[]expr.Expr{col(s, "k")}, []string{"k"}, []AggregateSpec{agg(logical.AggCountStar, nil, tInt, "c")})
	ctx := testCtx()
	ctx.BatchSize = 7
	out, err := Collect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range out {
		if b.NumRows() > 7 {
			t.Fatalf("batch of %d rows", b.NumRows())
		}
		n += int(b.NumRows())
	}
	if n != 100 || len(out) != 15 {
		t.Fatalf("%d rows in %d batches", n, len(out))
	}
}

// ---- randomized: single == two-phase == naive reference ----

type aggTestRow struct {
	k1 *int64
	k2 *string
	i  *int64
	f  *float64
	d  *decimal128.Num
	s  *string
	dt *int32
}

func aggRandomData(r *rand.Rand, n int) []aggTestRow {
	rows := make([]aggTestRow, n)
	words := []string{"apple", "", "banana", "cherry", "date", "elderberry-long-string", "fig"}
	for x := range rows {
		row := &rows[x]
		if r.Intn(20) > 0 {
			v := int64(r.Intn(30) - 5)
			row.k1 = &v
		}
		if r.Intn(15) > 0 {
			v := words[r.Intn(len(words))]
			row.k2 = &v
		}
		if r.Intn(10) > 0 {
			v := r.Int63n(2000000) - 1000000
			row.i = &v
		}
		if r.Intn(10) > 0 {
			v := float64(r.Intn(4000)-2000) / 4
			row.f = &v
		}
		if r.Intn(10) > 0 {
			v := decimal128.FromI64(r.Int63n(1e12) - 5e11)
			row.d = &v
		}
		if r.Intn(10) > 0 {
			v := fmt.Sprintf("s%04d", r.Intn(5000))
			row.s = &v
		}
		if r.Intn(10) > 0 {
			v := int32(9000 + r.Intn(2000))
			row.dt = &v
		}
	}
	return rows
}

var aggRandSchema = testSchema("k1", tInt, "k2", tStr, "i", tInt, "f", tF64, "d", tMoney, "s", tStr, "dt", tDate)

func aggRandomBatches(rows []aggTestRow, size int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(rows); start += size {
		end := min(start+size, len(rows))
		var k1, k2, i, f, d, s, dt []any
		for _, r := range rows[start:end] {
			k1 = append(k1, ptrAny(r.k1, func(v int64) any { return int(v) }))
			k2 = append(k2, ptrAny(r.k2, func(v string) any { return v }))
			i = append(i, ptrAny(r.i, func(v int64) any { return int(v) }))
			f = append(f, ptrAny(r.f, func(v float64) any { return v }))
			d = append(d, ptrAny(r.d, func(v decimal128.Num) any { return v }))
			s = append(s, ptrAny(r.s, func(v string) any { return v }))
			dt = append(dt, ptrAny(r.dt, func(v int32) any { return int(v) }))
		}
		out = append(out, testBatch(aggRandSchema, testArray(tInt, k1...), testArray(tStr, k2...), testArray(tInt, i...),
			testArray(tF64, f...), testArray(tMoney, d...), testArray(tStr, s...), testArray(tDate, dt...)))
	}
	return out
}

func ptrAny[T any](p *T, f func(T) any) any {
	if p == nil {
		return nil
	}
	return f(*p)
}

func aggRandSpecs() []AggregateSpec {
	s := aggRandSchema
	return []AggregateSpec{
		agg(logical.AggCountStar, nil, tInt, "cs"),
		agg(logical.AggCount, col(s, "d"), tInt, "cd"),
		agg(logical.AggSum, col(s, "d"), tDec(38, 2), "sd"),
		agg(logical.AggAvg, col(s, "d"), tDec(38, 6), "ad"),
		agg(logical.AggSum, col(s, "i"), tInt, "si"),
		agg(logical.AggAvg, col(s, "i"), tDec(38, 4), "ai"),
		agg(logical.AggSum, col(s, "f"), tF64, "sf"),
		agg(logical.AggAvg, col(s, "f"), tF64, "af"),
		agg(logical.AggMin, col(s, "d"), tMoney, "mind"),
		agg(logical.AggMax, col(s, "d"), tMoney, "maxd"),
		agg(logical.AggMin, col(s, "s"), tStr, "mins"),
		agg(logical.AggMax, col(s, "s"), tStr, "maxs"),
		agg(logical.AggMin, col(s, "dt"), tDate, "mindt"),
		agg(logical.AggMax, col(s, "i"), tInt, "maxi"),
		agg(logical.AggMin, col(s, "f"), tF64, "minf"),
	}
}

// aggReference computes the expected output rows naively.
func aggReference(rows []aggTestRow, keys []string) string {
	type acc struct {
		key            []string
		cs, cd, ci, cf int64
		sd, si         big.Int
		sf             float64
		mind, maxd     *decimal128.Num
		mins, maxs     *string
		mindt          *int32
		maxi           *int64
		minf           *float64
	}
	groups := map[string]*acc{}
	var order []string
	null := "NULL"
	for _, r := range rows {
		var key []string
		for _, k := range keys {
			switch k {
			case "k1":
				key = append(key, ptrStr(r.k1, func(v int64) string { return fmt.Sprint(v) }))
			case "k2":
				key = append(key, ptrStr(r.k2, func(v string) string { return v }))
			case "dt":
				key = append(key, ptrStr(r.dt, func(v int32) string { return arrow.Date32(v).FormattedString() }))
			}
		}
		ks := strings.Join(key, "|")
		a := groups[ks]
		if a == nil {
			a = &acc{key: key}
			groups[ks] = a
			order = append(order, ks)
		}
		a.cs++
		if r.d != nil {
			a.cd++
			a.sd.Add(&a.sd, r.d.BigInt())
			if a.mind == nil || r.d.Less(*a.mind) {
				a.mind = r.d
			}
			if a.maxd == nil || r.d.Greater(*a.maxd) {
				a.maxd = r.d
			}
		}
		if r.i != nil {
			a.ci++
			a.si.Add(&a.si, big.NewInt(*r.i))
			if a.maxi == nil || *r.i > *a.maxi {
				a.maxi = r.i
			}
		}
		if r.f != nil {
			a.cf++
			a.sf += *r.f
			if a.minf == nil || *r.f < *a.minf {
				a.minf = r.f
			}
		}
		if r.s != nil {
			if a.mins == nil || *r.s < *a.mins {
				a.mins = r.s
			}
			if a.maxs == nil || *r.s > *a.maxs {
				a.maxs = r.s
			}
		}
		if r.dt != nil && (a.mindt == nil || *r.dt < *a.mindt) {
			a.mindt = r.dt
		}
	}
	if len(keys) == 0 && len(groups) == 0 {
		groups[""] = &acc{}
		order = append(order, "")
	}
	var out [][]string
	for _, ks := range order {
		a := groups[ks]
		row := append([]string(nil), a.key...)
		row = append(row, fmt.Sprint(a.cs), fmt.Sprint(a.cd))
		if a.cd == 0 {
			row = append(row, null, null)
		} else {
			row = append(row, logical.FormatDecimal(decimal128.FromBigInt(&a.sd), 2), testDecRound(&a.sd, a.cd*100, 6))
		}
		if a.ci == 0 {
			row = append(row, null, null)
		} else {
			row = append(row, a.si.String(), testDecRound(&a.si, a.ci, 4))
		}
		if a.cf == 0 {
			row = append(row, null, null)
		} else {
			row = append(row, fmt.Sprintf("%.6g", a.sf), fmt.Sprintf("%.6g", a.sf/float64(a.cf)))
		}
		row = append(row,
			ptrStr(a.mind, func(v decimal128.Num) string { return logical.FormatDecimal(v, 2) }),
			ptrStr(a.maxd, func(v decimal128.Num) string { return logical.FormatDecimal(v, 2) }),
			ptrStr(a.mins, func(v string) string { return v }),
			ptrStr(a.maxs, func(v string) string { return v }),
			ptrStr(a.mindt, func(v int32) string { return arrow.Date32(v).FormattedString() }),
			ptrStr(a.maxi, func(v int64) string { return fmt.Sprint(v) }),
			ptrStr(a.minf, func(v float64) string { return fmt.Sprintf("%.6g", v) }))
		out = append(out, row)
	}
	return testSorted(out)
}

func ptrStr[T any](p *T, f func(T) string) string {
	if p == nil {
		return "NULL"
	}
	return f(*p)
}

func TestHashAggregateRandomized(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	rows := aggRandomData(r, 5000)
	batches := aggRandomBatches(rows, 333)
	specs := aggRandSpecs()
	for _, keys := range [][]string{nil, {"k1"}, {"k2"}, {"k1", "k2"}, {"dt"}} {
		want := aggReference(rows, keys)
		var group []expr.Expr
		for _, k := range keys {
			group = append(group, col(aggRandSchema, k))
		}
		single := mustAgg(t, newTestSource(aggRandSchema, batches), AggSingle, group, keys, specs)
		if got := testSorted(testRows(mustCollect(t, single))); got != want {
			t.Fatalf("keys %v single-phase differs from reference:\n%s", keys, testDiff(got, want))
		}
		parts := make([][]arrow.RecordBatch, 3)
		for i, b := range batches {
			parts[i%3] = append(parts[i%3], b)
		}
		if got := testSorted(testRows(twoPhase(t, newTestSource(aggRandSchema, parts...), group, keys, specs, 2))); got != want {
			t.Fatalf("keys %v two-phase differs from reference:\n%s", keys, testDiff(got, want))
		}
	}
}

func testDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows vs %d wanted\n", len(g), len(w))
	for i := 0; i < max(len(g), len(w)) && b.Len() < 2000; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "got  %s\nwant %s\n", gl, wl)
		}
	}
	return b.String()
}
