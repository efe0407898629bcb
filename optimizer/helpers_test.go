package optimizer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
)

// fakeTable is a catalog.Table that only has a schema and statistics.
type fakeTable struct {
	schema *arrow.Schema
	stats  *catalog.TableStats
}

func (t *fakeTable) Schema() *arrow.Schema           { return t.schema }
func (t *fakeTable) Statistics() *catalog.TableStats { return t.stats }
func (t *fakeTable) Splits(context.Context, []catalog.Predicate) ([]catalog.Split, error) {
	return nil, errors.New("fake table")
}
func (t *fakeTable) Open(context.Context, catalog.Split, catalog.ScanOptions) (catalog.BatchReader, error) {
	return nil, errors.New("fake table")
}
func (t *fakeTable) Location() string { return "fake" }

// colSpec describes a fake column: an integer key with a value range (whose
// width is the optimizer's NDV estimate), or another type without stats.
type colSpec struct {
	name     string
	typ      arrow.DataType
	min, max any
	nullable bool
}

func intCol(name string, min, max int64) colSpec {
	return colSpec{name: name, typ: logical.Int64, min: min, max: max}
}
func strCol(name string) colSpec  { return colSpec{name: name, typ: logical.String} }
func dateCol(name string) colSpec { return colSpec{name: name, typ: logical.Date} }
func decCol(name string) colSpec  { return colSpec{name: name, typ: logical.Decimal(15, 2)} }

// builder makes plans by hand, as the binder would.
type builder struct {
	t   *testing.T
	ids *logical.IDAllocator
}

func newBuilder(t *testing.T) *builder { return &builder{t: t, ids: logical.NewIDAllocator()} }

func (b *builder) ctx() *Context { return &Context{IDs: b.ids} }

// scan returns a Scan over a fresh fake table with all its columns; alias may
// be "" (the table name is used).
func (b *builder) scan(table, alias string, rows int64, cols ...colSpec) *logical.Scan {
	fields := make([]arrow.Field, len(cols))
	stats := &catalog.TableStats{RowCount: rows, Columns: make([]catalog.ColumnStats, len(cols))}
	s := &logical.Scan{TableName: table, Alias: alias}
	if alias == "" {
		s.Alias = table
	}
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: c.nullable}
		stats.Columns[i] = catalog.ColumnStats{NullCount: 0, Min: c.min, Max: c.max, DistinctCount: -1}
		s.Columns = append(s.Columns, logical.Column{ID: b.ids.Next(), Name: c.name, Table: s.Alias, Type: c.typ, Nullable: c.nullable})
		s.Ordinals = append(s.Ordinals, i)
	}
	s.Table = &fakeTable{schema: arrow.NewSchema(fields, nil), stats: stats}
	return s
}

// col finds a column of n by (possibly qualified) name.
func (b *builder) col(n logical.Node, name string) *logical.ColumnRef {
	b.t.Helper()
	for _, c := range n.Schema() {
		if c.Name == name || c.QualifiedName() == name {
			return c.Ref()
		}
	}
	b.t.Fatalf("no column %s in %v", name, n.Schema())
	return nil
}

func bin(op logical.BinaryOp, l, r logical.Expr) logical.Expr {
	t := logical.Bool
	if op.IsArithmetic() {
		t = l.Type()
	}
	return &logical.BinaryExpr{Op: op, Left: l, Right: r, Typ: t}
}
func eq(l, r logical.Expr) logical.Expr { return bin(logical.OpEq, l, r) }
func and(es ...logical.Expr) logical.Expr {
	return logical.Conjunction(es)
}
func or(l, r logical.Expr) logical.Expr { return bin(logical.OpOr, l, r) }
func not(e logical.Expr) logical.Expr {
	return &logical.UnaryExpr{Op: logical.OpNot, Input: e, Typ: logical.Bool}
}
func i64(v int64) *logical.Literal  { return &logical.Literal{Value: v, Typ: logical.Int64} }
func str(v string) *logical.Literal { return &logical.Literal{Value: v, Typ: logical.String} }
func boolLit(v bool) *logical.Literal {
	return &logical.Literal{Value: v, Typ: logical.Bool}
}
func like(e logical.Expr, pattern string) logical.Expr {
	return &logical.LikeExpr{Input: e, Pattern: str(pattern), Escape: '\\'}
}

func cross(nodes ...logical.Node) logical.Node {
	out := nodes[0]
	for _, n := range nodes[1:] {
		out = &logical.Join{Left: out, Right: n, Kind: logical.JoinInner}
	}
	return out
}
func filter(in logical.Node, pred logical.Expr) logical.Node {
	return &logical.Filter{Input: in, Predicate: pred}
}

// project projects named columns of in (passing them through with their IDs).
func (b *builder) project(in logical.Node, names ...string) *logical.Project {
	p := &logical.Project{Input: in}
	for _, n := range names {
		r := b.col(in, n)
		p.Exprs = append(p.Exprs, r)
		for _, c := range in.Schema() {
			if c.ID == r.ID {
				p.Columns = append(p.Columns, c)
			}
		}
	}
	return p
}

// projectExpr computes one expression under a new column.
func (b *builder) projectExpr(in logical.Node, name string, e logical.Expr) *logical.Project {
	return &logical.Project{Input: in, Exprs: []logical.Expr{e},
		Columns: []logical.Column{{ID: b.ids.Next(), Name: name, Type: e.Type(), Nullable: true}}}
}

// agg builds an Aggregate with group columns (by name) and aggregates.
func (b *builder) agg(in logical.Node, groups []string, aggs ...*logical.AggregateExpr) *logical.Aggregate {
	a := &logical.Aggregate{Input: in}
	for _, g := range groups {
		r := b.col(in, g)
		a.GroupBy = append(a.GroupBy, r)
		a.GroupColumns = append(a.GroupColumns, logical.Column{ID: b.ids.Next(), Name: g, Type: r.Typ, Nullable: r.Nullable})
	}
	for _, x := range aggs {
		a.Aggs = append(a.Aggs, x)
		a.AggColumns = append(a.AggColumns, logical.Column{ID: b.ids.Next(), Name: x.Func.String(), Type: x.Typ, Nullable: true})
	}
	return a
}

func aggOf(f logical.AggFunc, arg logical.Expr) *logical.AggregateExpr {
	t := logical.Int64
	if arg != nil && f != logical.AggCount {
		t = arg.Type()
	}
	return &logical.AggregateExpr{Func: f, Arg: arg, Typ: t}
}

func exists(plan logical.Node, negated bool) *logical.SubqueryExpr {
	return &logical.SubqueryExpr{Kind: logical.SubqueryExists, Plan: plan, Negated: negated, Typ: logical.Bool}
}
func in(input logical.Expr, plan logical.Node, negated bool) *logical.SubqueryExpr {
	return &logical.SubqueryExpr{Kind: logical.SubqueryIn, Input: input, Plan: plan, Negated: negated, Typ: logical.Bool}
}
func scalar(plan logical.Node) *logical.SubqueryExpr {
	return &logical.SubqueryExpr{Kind: logical.SubqueryScalar, Plan: plan, Typ: plan.Schema()[0].Type}
}

// expectPlan compares logical.Format output, ignoring leading/trailing blank
// lines and a common indentation of want.
func expectPlan(t *testing.T, got logical.Node, want string) {
	t.Helper()
	g := strings.TrimSpace(logical.Format(got))
	w := dedent(want)
	if g != w {
		t.Errorf("plan mismatch\n--- got:\n%s\n--- want:\n%s", g, w)
	}
}

func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if indent >= 0 && len(l) >= indent {
			lines[i] = l[indent:]
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// run applies one rule and checks the root schema is unchanged.
func run(t *testing.T, b *builder, r Rule, plan logical.Node) logical.Node {
	t.Helper()
	out, err := r.Rewrite(plan, b.ctx())
	if err != nil {
		t.Fatalf("%s: %v", r.Name(), err)
	}
	checkSchema(t, plan, out)
	return out
}

func checkSchema(t *testing.T, before, after logical.Node) {
	t.Helper()
	if !logical.SameSchema(before.Schema(), after.Schema()) {
		t.Errorf("root schema changed: %v -> %v", before.Schema(), after.Schema())
	}
}

// validate checks that every column a node reads is produced by its inputs.
func validate(t *testing.T, n logical.Node) {
	t.Helper()
	logical.WalkPlan(n, func(m logical.Node) {
		avail := map[logical.ColumnID]bool{}
		for _, c := range m.Children() {
			for _, col := range c.Schema() {
				avail[col.ID] = true
			}
		}
		if s, ok := m.(*logical.Scan); ok {
			avail = logical.ColumnIDs(s.Columns)
		}
		for _, e := range logical.NodeExprs(m) {
			for id := range logical.ColumnsUsed(e) {
				if !avail[id] {
					t.Errorf("node %q reads #%d which its inputs do not produce\n%s", m.String(), id, logical.Format(n))
				}
			}
		}
	})
}
