package planner

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/optimizer"
	"github.com/aloftdb/aloft/sql"
)

// fakeTable is a table without data: a schema, statistics and a number of
// splits. It records the pruning predicates the planner hands to Splits.
type fakeTable struct {
	schema *arrow.Schema
	rows   int64
	splits int

	mu    sync.Mutex
	preds [][]catalog.Predicate
}

type fakeSplit int

func (s fakeSplit) String() string       { return fmt.Sprintf("split %d", int(s)) }
func (s fakeSplit) EstimatedRows() int64 { return -1 }

func (t *fakeTable) Schema() *arrow.Schema { return t.schema }
func (t *fakeTable) Statistics() *catalog.TableStats {
	cols := make([]catalog.ColumnStats, len(t.schema.Fields()))
	for i := range cols {
		cols[i] = catalog.ColumnStats{NullCount: -1, DistinctCount: -1}
	}
	return &catalog.TableStats{RowCount: t.rows, Columns: cols}
}
func (t *fakeTable) Splits(_ context.Context, preds []catalog.Predicate) ([]catalog.Split, error) {
	t.mu.Lock()
	t.preds = append(t.preds, preds)
	t.mu.Unlock()
	out := make([]catalog.Split, t.splits)
	for i := range out {
		out[i] = fakeSplit(i)
	}
	return out, nil
}
func (t *fakeTable) Open(context.Context, catalog.Split, catalog.ScanOptions) (catalog.BatchReader, error) {
	return nil, errors.New("fakeTable has no data")
}
func (t *fakeTable) Location() string { return "memory" }

// testCatalog: big (8 splits) and small (1 split) tables with a mix of types.
//
//	t(a BIGINT, b BIGINT, s VARCHAR, d DECIMAL(15,2), dt DATE, i INT, n BIGINT NULL)  8 splits, 1e6 rows
//	u(a BIGINT, b BIGINT, s VARCHAR)                                                  8 splits, 1e5 rows
//	one(a BIGINT, b BIGINT)                                                           1 split, 10 rows
func testCatalog(t *testing.T) (*catalog.Catalog, map[string]*fakeTable) {
	t.Helper()
	f := func(name string, typ arrow.DataType, nullable bool) arrow.Field {
		return arrow.Field{Name: name, Type: typ, Nullable: nullable}
	}
	tables := map[string]*fakeTable{
		"t": {schema: arrow.NewSchema([]arrow.Field{
			f("a", logical.Int64, false), f("b", logical.Int64, false), f("s", logical.String, false),
			f("d", logical.Decimal(15, 2), false), f("dt", logical.Date, false), f("i", logical.Int32, false),
			f("n", logical.Int64, true),
		}, nil), rows: 1_000_000, splits: 8},
		"u": {schema: arrow.NewSchema([]arrow.Field{
			f("a", logical.Int64, false), f("b", logical.Int64, false), f("s", logical.String, false),
		}, nil), rows: 100_000, splits: 8},
		"one": {schema: arrow.NewSchema([]arrow.Field{
			f("a", logical.Int64, false), f("b", logical.Int64, false),
		}, nil), rows: 10, splits: 1},
	}
	cat := catalog.New()
	for name, tbl := range tables {
		if err := cat.Register(name, tbl, false); err != nil {
			t.Fatal(err)
		}
	}
	return cat, tables
}

// optimize parses, binds and optimizes one query.
func optimize(t *testing.T, cat *catalog.Catalog, text string) logical.Node {
	t.Helper()
	stmts, err := sql.Parse(text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	q, ok := stmts[0].(*sql.Query)
	if !ok {
		t.Fatalf("%s: not a query", text)
	}
	bound, err := sql.Bind(q, cat)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	plan, err := optimizer.Optimize(bound.Plan, &optimizer.Context{IDs: bound.IDs}, optimizer.DefaultRules())
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return plan
}

const testPartitions = 4

// physical plans a query with 4 partitions.
func physical(t *testing.T, cat *catalog.Catalog, text string) exec.Exec {
	t.Helper()
	p, err := Plan(context.Background(), optimize(t, cat, text), Options{Partitions: testPartitions})
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	if p.Partitions() != 1 {
		t.Fatalf("%s: plan has %d output partitions, want 1", text, p.Partitions())
	}
	return p
}

// find returns the operators whose String() starts with prefix, in pre-order.
func find(e exec.Exec, prefix string) []exec.Exec {
	var out []exec.Exec
	var walk func(exec.Exec)
	walk = func(e exec.Exec) {
		if strings.HasPrefix(e.String(), prefix) {
			out = append(out, e)
		}
		for _, c := range e.Children() {
			walk(c)
		}
	}
	walk(e)
	return out
}

// findOne is find that expects exactly one match.
func findOne(t *testing.T, e exec.Exec, prefix string) exec.Exec {
	t.Helper()
	got := find(e, prefix)
	if len(got) != 1 {
		t.Fatalf("want one %q in the plan, found %d:\n%s", prefix, len(got), exec.Format(e))
	}
	return got[0]
}

// child returns the only input of e and checks that it starts with prefix.
func child(t *testing.T, plan, e exec.Exec, prefix string) exec.Exec {
	t.Helper()
	kids := e.Children()
	if len(kids) != 1 || !strings.HasPrefix(kids[0].String(), prefix) {
		t.Fatalf("want %q directly under %q:\n%s", prefix, e.String(), exec.Format(plan))
	}
	return kids[0]
}

func TestTwoPhaseAggregation(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT s, sum(b), count(*) FROM t GROUP BY s")
	final := findOne(t, p, "HashAggregateExec: mode=Final")
	rep := child(t, p, final, "RepartitionExec: hash=[s@0] partitions=4")
	partial := child(t, p, rep, "HashAggregateExec: mode=Partial")
	child(t, p, partial, "ScanExec: t")
	if final.Partitions() != testPartitions || partial.Partitions() != testPartitions {
		t.Errorf("final has %d partitions, partial %d; want %d each", final.Partitions(), partial.Partitions(), testPartitions)
	}
	if n := len(find(p, "HashAggregateExec: mode=Single")); n != 0 {
		t.Errorf("unexpected single-phase aggregate:\n%s", exec.Format(p))
	}

	// Without GROUP BY the partial states are gathered, not hashed.
	p = physical(t, cat, "SELECT sum(b), max(s) FROM t")
	final = findOne(t, p, "HashAggregateExec: mode=Final group=[]")
	co := child(t, p, final, "CoalesceExec: partitions=4")
	child(t, p, co, "HashAggregateExec: mode=Partial group=[]")
	if len(find(p, "RepartitionExec")) != 0 {
		t.Errorf("a global aggregate needs no repartition:\n%s", exec.Format(p))
	}
}

func TestSinglePartitionAggregation(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT a, sum(b), count(DISTINCT b) FROM one GROUP BY a")
	agg := findOne(t, p, "HashAggregateExec: mode=Single")
	child(t, p, agg, "ScanExec: one")
	if len(find(p, "RepartitionExec")) != 0 || len(find(p, "CoalesceExec")) != 0 {
		t.Errorf("a one-partition input needs no exchange:\n%s", exec.Format(p))
	}
}

func TestDistinctAggregateIsSinglePhase(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT s, count(DISTINCT b), sum(a) FROM t GROUP BY s")
	agg := findOne(t, p, "HashAggregateExec: mode=Single")
	rep := child(t, p, agg, "RepartitionExec: hash=[t.s@2] partitions=4")
	child(t, p, rep, "ScanExec: t")
	if n := len(find(p, "HashAggregateExec: mode=Partial")) + len(find(p, "HashAggregateExec: mode=Final")); n != 0 {
		t.Errorf("a DISTINCT aggregate cannot merge partial states:\n%s", exec.Format(p))
	}
	if !strings.Contains(agg.String(), "count(DISTINCT t.b@1)") {
		t.Errorf("aggregate %q does not show DISTINCT", agg)
	}

	// Without groups: one partition gathers the raw rows.
	p = physical(t, cat, "SELECT count(DISTINCT b) FROM t")
	agg = findOne(t, p, "HashAggregateExec: mode=Single group=[]")
	child(t, p, agg, "CoalesceExec: partitions=4")
}

func TestTopN(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT a, b FROM t ORDER BY b DESC, a LIMIT 10 OFFSET 5")
	if !strings.HasPrefix(p.String(), "LimitExec: offset=5 count=10") {
		t.Fatalf("top operator %q, want the LimitExec:\n%s", p, exec.Format(p))
	}
	merge := child(t, p, p, "SortPreservingMergeExec: keys=[b@1 DESC NULLS LAST, a@0 ASC NULLS FIRST] fetch=15")
	sortExec := child(t, p, merge, "SortExec: keys=[b@1 DESC NULLS LAST, a@0 ASC NULLS FIRST] fetch=15")
	if sortExec.Partitions() != testPartitions {
		t.Errorf("the top-N sort runs on %d partitions, want %d", sortExec.Partitions(), testPartitions)
	}

	// ORDER BY without LIMIT sorts everything: no fetch.
	p = physical(t, cat, "SELECT a FROM t ORDER BY a")
	for _, s := range append(find(p, "SortExec"), find(p, "SortPreservingMergeExec")...) {
		if strings.Contains(s.String(), "fetch=") {
			t.Errorf("%q has a fetch without LIMIT", s)
		}
	}

	// One partition: no merge.
	p = physical(t, cat, "SELECT a FROM one ORDER BY b LIMIT 3")
	limit := findOne(t, p, "LimitExec: offset=0 count=3")
	child(t, p, limit, "SortExec: keys=[b@1 ASC NULLS FIRST] fetch=3")
	if len(find(p, "SortPreservingMergeExec")) != 0 {
		t.Errorf("one partition needs no merge:\n%s", exec.Format(p))
	}
}

func TestLimitWithoutOrder(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT a FROM t LIMIT 7 OFFSET 3")
	limit := findOne(t, p, "LimitExec: offset=3 count=7")
	co := child(t, p, limit, "CoalesceExec: partitions=4")
	child(t, p, co, "LocalLimitExec: count=10")
}

func TestInnerJoinIsBroadcast(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT t.a, u.b FROM t JOIN u ON t.a = u.a AND t.b > u.b")
	j := findOne(t, p, "HashJoinExec")
	if !strings.HasPrefix(j.String(), "HashJoinExec: mode=CollectBuild kind=Inner") {
		t.Errorf("inner join %q, want a collect-build hash join", j)
	}
	if !strings.Contains(j.String(), " filter=") {
		t.Errorf("the non-equality should be a residual filter: %q", j)
	}
	if len(find(p, "RepartitionExec")) != 0 {
		t.Errorf("a broadcast join needs no repartition:\n%s", exec.Format(p))
	}
}

// withJoinKind rewrites every join of a plan to kind (MySQL's grammar has no
// FULL JOIN, so FULL plans are made by hand).
func withJoinKind(t *testing.T, plan logical.Node, kind logical.JoinKind) logical.Node {
	t.Helper()
	out, err := logical.TransformUp(plan, func(n logical.Node) (logical.Node, error) {
		if j, ok := n.(*logical.Join); ok {
			m := *j
			m.Kind = kind
			return &m, nil
		}
		return n, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRightAndFullJoinArePartitioned(t *testing.T) {
	cat, _ := testCatalog(t)
	check := func(name string, plan logical.Node, kind string) {
		t.Run(name, func(t *testing.T) {
			p, err := Plan(context.Background(), plan, Options{Partitions: testPartitions})
			if err != nil {
				t.Fatal(err)
			}
			j := findOne(t, p, "HashJoinExec")
			if !strings.HasPrefix(j.String(), "HashJoinExec: mode=Partitioned kind="+kind) {
				t.Fatalf("join %q, want a partitioned %s join:\n%s", j, kind, exec.Format(p))
			}
			kids := j.Children()
			for i, side := range []string{"left", "right"} {
				if !strings.HasPrefix(kids[i].String(), "RepartitionExec: hash=[") || kids[i].Partitions() != testPartitions {
					t.Errorf("%s input %q, want a hash repartition into %d partitions:\n%s", side, kids[i], testPartitions, exec.Format(p))
				}
			}
			if j.Partitions() != testPartitions {
				t.Errorf("join has %d partitions, want %d", j.Partitions(), testPartitions)
			}
		})
	}
	right := optimize(t, cat, "SELECT t.b, u.b FROM t RIGHT JOIN u ON t.a = u.a")
	check("right", right, "Right")
	inner := optimize(t, cat, "SELECT t.b, u.b FROM t JOIN u ON t.a = u.a")
	check("full", withJoinKind(t, inner, logical.JoinFull), "Full")
	// Even a one-split side is repartitioned: both sides must agree on the hash.
	small := optimize(t, cat, "SELECT one.b, u.b FROM one RIGHT JOIN u ON one.a = u.a")
	check("right_small_left", small, "Right")
}

func TestJoinWithoutKeys(t *testing.T) {
	cat, _ := testCatalog(t)
	for _, c := range []struct{ sql, want string }{
		{"SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.b > t.b)", "NestedLoopJoinExec: kind=Semi filter="},
		{"SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.b > t.b)", "NestedLoopJoinExec: kind=Anti filter="},
		{"SELECT t.a FROM t, one WHERE t.b < one.b", "NestedLoopJoinExec: kind=Inner filter="},
		{"SELECT t.a, one.a FROM t CROSS JOIN one", "NestedLoopJoinExec: kind=Inner"},
		{"SELECT t.a, one.b FROM t LEFT JOIN one ON t.b < one.b", "NestedLoopJoinExec: kind=Left filter="},
		{"SELECT a FROM t WHERE b > 5 OR EXISTS (SELECT 1 FROM u WHERE u.b > t.b)", "NestedLoopJoinExec: kind=LeftMark filter="},
	} {
		t.Run(c.sql, func(t *testing.T) {
			p := physical(t, cat, c.sql)
			findOne(t, p, c.want)
			if len(find(p, "HashJoinExec")) != 0 {
				t.Errorf("no equality, so no hash join:\n%s", exec.Format(p))
			}
		})
	}

	// A null-aware anti join (NOT IN) needs its key.
	plan := withJoinKind(t, optimize(t, cat, "SELECT t.a, u.a FROM t JOIN u ON t.b < u.b"), logical.JoinAntiNullAware)
	if _, err := Plan(context.Background(), plan, Options{Partitions: testPartitions}); err == nil ||
		err.Error() != "NOT IN subquery without a comparable key is not supported" {
		t.Errorf("keyless null-aware anti join: error %v", err)
	}

	// RIGHT and FULL joins need keys to partition on.
	for _, kind := range []logical.JoinKind{logical.JoinRight, logical.JoinFull} {
		plan := withJoinKind(t, optimize(t, cat, "SELECT t.a, u.a FROM t JOIN u ON t.b < u.b"), kind)
		_, err := Plan(context.Background(), plan, Options{Partitions: testPartitions})
		want := fmt.Sprintf("%s join without an equality condition is not supported yet", kind)
		if err == nil || err.Error() != want {
			t.Errorf("%s join without keys: error %v, want %q", kind, err, want)
		}
	}
}

func TestOutputIsOnePartition(t *testing.T) {
	cat, _ := testCatalog(t)
	p := physical(t, cat, "SELECT a, b FROM t WHERE b > 3")
	if !strings.HasPrefix(p.String(), "CoalesceExec: partitions=4") {
		t.Errorf("a partitioned plan ends in a gather, got:\n%s", exec.Format(p))
	}
	scan := findOne(t, p, "ScanExec: t")
	if scan.Partitions() != testPartitions {
		t.Errorf("scan of 8 splits has %d partitions, want %d", scan.Partitions(), testPartitions)
	}
	p = physical(t, cat, "SELECT a FROM one")
	if p.Partitions() != 1 || len(find(p, "CoalesceExec")) != 0 {
		t.Errorf("a one-split scan needs no gather:\n%s", exec.Format(p))
	}
	p = physical(t, cat, "SELECT 1 AS x, 'a' AS y")
	findOne(t, p, "ValuesExec")
}

func TestScanPruningPredicates(t *testing.T) {
	cat, tables := testCatalog(t)
	tbl := tables["t"]
	tbl.preds = nil
	physical(t, cat, `SELECT a FROM t
		WHERE a >= 10 AND 100 > b AND s = 'x' AND d < 1.5 AND dt <= DATE '1995-03-15'
		  AND i = 7 AND n IS NULL AND b IN (1, 2, 3) AND a + 1 > b`)
	if len(tbl.preds) != 1 {
		t.Fatalf("Splits called %d times, want 1", len(tbl.preds))
	}
	got := map[string]bool{}
	for _, p := range tbl.preds[0] {
		got[predString(p)] = true
	}
	want := []string{
		"0 >= 10", // a >= 10
		"1 < 100", // 100 > b, commuted
		"2 = x",   // s = 'x'
		"3 < 150", // d < 1.5 at the column's scale 2
		"4 <= 1995-03-15",
		"5 = 7", // i = 7: INT widened to BIGINT by a cast
		"6 IS NULL",
		"1 IN [1 2 3]",
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing pruning predicate %q; got %v", w, tbl.preds[0])
		}
	}
	if len(tbl.preds[0]) != len(want) {
		t.Errorf("got %d predicates %v, want %d (a + 1 > b cannot prune)", len(tbl.preds[0]), tbl.preds[0], len(want))
	}
}

// predString prints a predicate as "column op value" with plain values.
func predString(p catalog.Predicate) string {
	ops := map[catalog.PredicateOp]string{
		catalog.PredEq: "=", catalog.PredLt: "<", catalog.PredLtEq: "<=", catalog.PredGt: ">",
		catalog.PredGtEq: ">=", catalog.PredIsNull: "IS NULL", catalog.PredIsNotNull: "IS NOT NULL", catalog.PredIn: "IN",
	}
	val := func(v any) string {
		switch x := v.(type) {
		case decimal128.Num:
			return x.BigInt().String()
		case arrow.Date32:
			return x.FormattedString()
		}
		return fmt.Sprint(v)
	}
	switch p.Op {
	case catalog.PredIsNull, catalog.PredIsNotNull:
		return fmt.Sprintf("%d %s", p.Column, ops[p.Op])
	case catalog.PredIn:
		vals := make([]string, len(p.Values))
		for i, v := range p.Values {
			vals[i] = val(v)
		}
		return fmt.Sprintf("%d IN [%s]", p.Column, strings.Join(vals, " "))
	}
	return fmt.Sprintf("%d %s %s", p.Column, ops[p.Op], val(p.Value))
}

// scanOf returns a logical scan of columns of the given types, at table
// ordinals 10, 11, ... (so that ordinals and positions differ).
func scanOf(types ...arrow.DataType) (*logical.Scan, []*logical.ColumnRef) {
	s := &logical.Scan{TableName: "x"}
	var refs []*logical.ColumnRef
	for i, typ := range types {
		c := logical.Column{ID: logical.ColumnID(i + 1), Name: fmt.Sprintf("c%d", i), Type: typ}
		s.Columns = append(s.Columns, c)
		s.Ordinals = append(s.Ordinals, 10+i)
		refs = append(refs, &logical.ColumnRef{ID: c.ID, Name: c.Name, Typ: typ})
	}
	return s, refs
}

func dec(v int64, p, s int32) *logical.Literal {
	return &logical.Literal{Value: decimal128.FromI64(v), Typ: logical.Decimal(p, s)}
}

func lit(v any, typ arrow.DataType) *logical.Literal { return &logical.Literal{Value: v, Typ: typ} }

func bin(op logical.BinaryOp, l, r logical.Expr) logical.Expr {
	return &logical.BinaryExpr{Op: op, Left: l, Right: r, Typ: logical.Bool}
}

func TestPruningPredicate(t *testing.T) {
	scan, c := scanOf(logical.Int64, logical.Decimal(15, 2), logical.String, logical.Date, logical.Int32, logical.Float64, logical.Timestamp)
	i64, d152, str, date, i32, f64, ts := c[0], c[1], c[2], c[3], c[4], c[5], c[6]
	other := &logical.ColumnRef{ID: 99, Name: "other", Typ: logical.Int64} // not a column of the scan
	wide := func(e logical.Expr) logical.Expr { return &logical.CastExpr{Input: e, Typ: logical.Int64} }
	cases := []struct {
		name string
		expr logical.Expr
		want string // "" = no predicate
	}{
		{"int eq", bin(logical.OpEq, i64, lit(int64(5), logical.Int64)), "10 = 5"},
		{"int lt", bin(logical.OpLt, i64, lit(int64(5), logical.Int64)), "10 < 5"},
		{"int lteq", bin(logical.OpLtEq, i64, lit(int64(5), logical.Int64)), "10 <= 5"},
		{"int gt", bin(logical.OpGt, i64, lit(int64(5), logical.Int64)), "10 > 5"},
		{"int gteq", bin(logical.OpGtEq, i64, lit(int64(5), logical.Int64)), "10 >= 5"},
		{"literal first lt", bin(logical.OpLt, lit(int64(5), logical.Int64), i64), "10 > 5"},
		{"literal first lteq", bin(logical.OpLtEq, lit(int64(5), logical.Int64), i64), "10 >= 5"},
		{"literal first gt", bin(logical.OpGt, lit(int64(5), logical.Int64), i64), "10 < 5"},
		{"literal first gteq", bin(logical.OpGtEq, lit(int64(5), logical.Int64), i64), "10 <= 5"},
		{"literal first eq", bin(logical.OpEq, lit(int64(5), logical.Int64), i64), "10 = 5"},
		{"not eq", bin(logical.OpNotEq, i64, lit(int64(5), logical.Int64)), ""},
		{"null literal", bin(logical.OpEq, i64, lit(nil, logical.Int64)), ""},
		{"column vs column", bin(logical.OpEq, i64, other), ""},
		{"unknown column", bin(logical.OpEq, other, lit(int64(5), logical.Int64)), ""},
		{"arithmetic", bin(logical.OpEq, bin(logical.OpAdd, i64, lit(int64(1), logical.Int64)), lit(int64(5), logical.Int64)), ""},
		{"string", bin(logical.OpEq, str, lit("abc", logical.String)), "12 = abc"},
		{"date", bin(logical.OpGtEq, date, lit(arrow.Date32(9000), logical.Date)), "13 >= 1994-08-23"},
		{"timestamp", bin(logical.OpLt, ts, lit(arrow.Timestamp(1), logical.Timestamp)), "16 < 1"},
		{"float", bin(logical.OpLt, f64, lit(1.5, logical.Float64)), "15 < 1.5"},
		{"decimal same scale", bin(logical.OpLt, d152, dec(150, 15, 2)), "11 < 150"},
		{"decimal rescaled up", bin(logical.OpLt, d152, dec(15, 2, 1)), "11 < 150"},
		{"decimal rescaled down exactly", bin(logical.OpLt, d152, dec(1500, 4, 3)), "11 < 150"},
		{"decimal rescaled down inexactly", bin(logical.OpLt, d152, dec(1505, 4, 3)), ""},
		{"int literal vs decimal column", bin(logical.OpLt, d152, lit(int64(1), logical.Int64)), ""},
		{"string literal vs int column", bin(logical.OpEq, i64, lit("5", logical.String)), ""},
		{"int literal vs narrower int column", bin(logical.OpEq, i32, lit(int64(5), logical.Int64)), "14 = 5"},
		{"widened int column", bin(logical.OpGt, wide(i32), lit(int64(5), logical.Int64)), "14 > 5"},
		{"widened int column, literal first", bin(logical.OpGt, lit(int64(5), logical.Int64), wide(i32)), "14 < 5"},
		{"cast to double", bin(logical.OpGt, &logical.CastExpr{Input: i32, Typ: logical.Float64}, lit(1.5, logical.Float64)), ""},
		{"cast of string", bin(logical.OpEq, &logical.CastExpr{Input: str, Typ: logical.Int64}, lit(int64(5), logical.Int64)), ""},
		{"is null", &logical.UnaryExpr{Op: logical.OpIsNull, Input: str, Typ: logical.Bool}, "12 IS NULL"},
		{"is not null", &logical.UnaryExpr{Op: logical.OpIsNotNull, Input: i64, Typ: logical.Bool}, "10 IS NOT NULL"},
		{"not", &logical.UnaryExpr{Op: logical.OpNot, Input: i64, Typ: logical.Bool}, ""},
		{"in", &logical.InListExpr{Input: i64, List: []logical.Expr{lit(int64(1), logical.Int64), lit(int64(7), logical.Int64)}}, "10 IN [1 7]"},
		{"in widened", &logical.InListExpr{Input: wide(i32), List: []logical.Expr{lit(int64(3), logical.Int64)}}, "14 IN [3]"},
		{"in decimal rescaled", &logical.InListExpr{Input: d152, List: []logical.Expr{dec(1, 1, 0), dec(25, 2, 1)}}, "11 IN [100 250]"},
		{"in with inexact decimal", &logical.InListExpr{Input: d152, List: []logical.Expr{dec(1, 1, 0), dec(1001, 4, 3)}}, ""},
		{"in with null", &logical.InListExpr{Input: i64, List: []logical.Expr{lit(int64(1), logical.Int64), lit(nil, logical.Int64)}}, ""},
		{"in with column", &logical.InListExpr{Input: i64, List: []logical.Expr{lit(int64(1), logical.Int64), other}}, ""},
		{"not in", &logical.InListExpr{Input: i64, List: []logical.Expr{lit(int64(1), logical.Int64)}, Negated: true}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := pruningPredicate(c.expr, scan)
			got := ""
			if ok {
				got = predString(p)
			}
			if got != c.want {
				t.Errorf("pruningPredicate(%s) = %q, want %q", c.expr, got, c.want)
			}
		})
	}
}

func TestStatValue(t *testing.T) {
	cases := []struct {
		name string
		lit  *logical.Literal
		col  arrow.DataType
		want any // nil = refused
	}{
		{"decimal same scale", dec(12345, 15, 2), logical.Decimal(15, 2), decimal128.FromI64(12345)},
		{"decimal scale up", dec(5, 1, 1), logical.Decimal(15, 2), decimal128.FromI64(50)},
		{"decimal scale up from integer", dec(7, 1, 0), logical.Decimal(15, 4), decimal128.FromI64(70000)},
		{"decimal scale down exact", dec(-120, 4, 3), logical.Decimal(15, 2), decimal128.FromI64(-12)},
		{"decimal scale down inexact", dec(-125, 4, 3), logical.Decimal(15, 2), nil},
		{"decimal precision differs", dec(5, 38, 2), logical.Decimal(15, 2), decimal128.FromI64(5)},
		{"integer for decimal", lit(int64(5), logical.Int64), logical.Decimal(15, 2), nil},
		{"float for decimal", lit(0.5, logical.Float64), logical.Decimal(15, 2), nil},
		{"int64", lit(int64(5), logical.Int64), logical.Int64, int64(5)},
		{"int64 for int32", lit(int64(5), logical.Int64), logical.Int32, int64(5)},
		{"int64 for int8", lit(int64(-5), logical.Int64), logical.Int8, int64(-5)},
		{"decimal for int", dec(5, 1, 0), logical.Int64, nil},
		{"float for int", lit(5.0, logical.Float64), logical.Int64, nil},
		{"string", lit("a", logical.String), logical.String, "a"},
		{"string for date", lit("1995-01-01", logical.String), logical.Date, nil},
		{"date", lit(arrow.Date32(10), logical.Date), logical.Date, arrow.Date32(10)},
		{"date for timestamp", lit(arrow.Date32(10), logical.Date), logical.Timestamp, nil},
		{"float", lit(2.5, logical.Float64), logical.Float64, 2.5},
		{"bool", lit(true, logical.Bool), logical.Bool, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := statValue(c.lit, c.col)
			if c.want == nil {
				if ok {
					t.Errorf("statValue(%s, %s) = %v, want refused", c.lit, c.col, got)
				}
				return
			}
			if !ok || !reflect.DeepEqual(got, c.want) {
				t.Errorf("statValue(%s, %s) = %v, %v; want %v", c.lit, c.col, got, ok, c.want)
			}
		})
	}
}

func TestCoerceKeyPair(t *testing.T) {
	_, c := scanOf(logical.Decimal(15, 2), logical.Decimal(38, 4), logical.Int32, logical.Int64, logical.Float64, logical.Int64)
	cases := []struct {
		l, r       logical.Expr
		wantL, wan string
	}{
		{c[0], c[1], "CAST(c0#1 AS DECIMAL(38,4))", "CAST(c1#2 AS DECIMAL(38,4))"},
		{c[2], c[3], "CAST(c2#3 AS BIGINT)", "c3#4"},
		{c[3], c[4], "CAST(c3#4 AS DOUBLE)", "c4#5"},
		{c[3], c[5], "c3#4", "c5#6"},
	}
	for _, tc := range cases {
		l, r := coerceKeyPair(tc.l, tc.r)
		if l.String() != tc.wantL || r.String() != tc.wan {
			t.Errorf("coerceKeyPair(%s, %s) = %s, %s; want %s, %s", tc.l, tc.r, l, r, tc.wantL, tc.wan)
		}
		if !arrow.TypeEqual(l.Type(), r.Type()) {
			t.Errorf("coerceKeyPair(%s, %s): types %s and %s differ", tc.l, tc.r, l.Type(), r.Type())
		}
	}
}
