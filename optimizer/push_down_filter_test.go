package optimizer

import (
	"testing"

	"github.com/aloftdb/aloft/logical"
)

// WHERE over comma joins: single-table conjuncts go into the scans, the
// two-table equalities become the join conditions.
func TestPushDownCommaJoin(t *testing.T) {
	b := newBuilder(t)
	c := b.scan("customer", "", 150000, intCol("c_custkey", 1, 150000), strCol("c_mktsegment"))
	o := ordersScan(b)
	l := lineitemScan(b, "")
	where := and(
		eq(b.col(c, "c_mktsegment"), str("BUILDING")),
		eq(b.col(c, "c_custkey"), b.col(o, "o_custkey")),
		eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")),
		bin(logical.OpLt, b.col(o, "o_orderdate"), b.col(l, "l_commitdate")),
		bin(logical.OpGt, b.col(l, "l_quantity"), b.col(l, "l_quantity")),
	)
	plan := b.project(filter(cross(c, o, l), where), "o_orderkey")
	out := run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Project: orders.o_orderkey#3
		  Join: Inner on ((lineitem.l_orderkey#7 = orders.o_orderkey#3) AND (orders.o_orderdate#5 < lineitem.l_commitdate#11))
		    Join: Inner on (customer.c_custkey#1 = orders.o_custkey#4)
		      Scan: customer [c_custkey#1, c_mktsegment#2] filters=[(customer.c_mktsegment#2 = 'BUILDING')]
		      Scan: orders [o_orderkey#3, o_custkey#4, o_orderdate#5, o_orderpriority#6]
		    Scan: lineitem [l_orderkey#7, l_partkey#8, l_suppkey#9, l_quantity#10, l_commitdate#11, l_receiptdate#12] filters=[(lineitem.l_quantity#10 > lineitem.l_quantity#10)]
	`)
	validate(t, out)
}

// Through a Project (substituting its expressions), a Sort and below an
// Aggregate when only group columns are read; a predicate on an aggregate
// stays above it.
func TestPushDownThroughProjectAndAggregate(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	a := b.agg(o, []string{"o_custkey"}, aggOf(logical.AggCountStar, nil))
	p := b.projectExpr(a, "k2", bin(logical.OpAdd, a.GroupColumns[0].Ref(), i64(1)))
	p.Exprs = append(p.Exprs, a.AggColumns[0].Ref())
	p.Columns = append(p.Columns, a.AggColumns[0])
	s := &logical.Sort{Input: p, Keys: []logical.SortKey{{Expr: p.Columns[0].Ref()}}}
	plan := filter(s, and(eq(p.Columns[0].Ref(), i64(10)), bin(logical.OpGt, a.AggColumns[0].Ref(), i64(2))))
	out := run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Sort: k2#7 ASC NULLS LAST
		  Project: (o_custkey#5 + 1) AS k2#7, count_star#6
		    Filter: (count_star#6 > 2)
		      Aggregate: group=[orders.o_custkey#2 AS #5] aggs=[count(*) AS #6]
		        Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4] filters=[((orders.o_custkey#2 + 1) = 10)]
	`)
	validate(t, out)
}

// Left join: WHERE predicates on the left go down; right-only ON conjuncts
// go into the right input; a WHERE predicate that rejects NULLs of the right
// side makes it an inner join.
func TestPushDownLeftJoin(t *testing.T) {
	b := newBuilder(t)
	c := b.scan("customer", "", 150000, intCol("c_custkey", 1, 150000), strCol("c_mktsegment"))
	o := ordersScan(b)
	on := and(eq(b.col(c, "c_custkey"), b.col(o, "o_custkey")), like(b.col(o, "o_orderpriority"), "1%"), eq(b.col(c, "c_mktsegment"), str("X")))
	j := &logical.Join{Left: c, Right: o, Kind: logical.JoinLeft, Condition: on}
	plan := filter(j, eq(b.col(c, "c_custkey"), i64(5)))
	out := run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Join: Left on ((customer.c_custkey#1 = orders.o_custkey#4) AND (customer.c_mktsegment#2 = 'X'))
		  Scan: customer [c_custkey#1, c_mktsegment#2] filters=[(customer.c_custkey#1 = 5)]
		  Scan: orders [o_orderkey#3, o_custkey#4, o_orderdate#5, o_orderpriority#6] filters=[(orders.o_orderpriority#6 LIKE '1%')]
	`)

	plan = filter(j, eq(b.col(o, "o_orderkey"), i64(5)))
	out = run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Join: Inner on (customer.c_custkey#1 = orders.o_custkey#4)
		  Scan: customer [c_custkey#1, c_mktsegment#2] filters=[(customer.c_mktsegment#2 = 'X')]
		  Scan: orders [o_orderkey#3, o_custkey#4, o_orderdate#5, o_orderpriority#6] filters=[(orders.o_orderkey#3 = 5), (orders.o_orderpriority#6 LIKE '1%')]
	`)

	// IS NULL on the right side keeps the left join and stays above it.
	plan = filter(j, &logical.UnaryExpr{Op: logical.OpIsNull, Input: b.col(o, "o_orderkey"), Typ: logical.Bool})
	out = run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Filter: (orders.o_orderkey#3 IS NULL)
		  Join: Left on ((customer.c_custkey#1 = orders.o_custkey#4) AND (customer.c_mktsegment#2 = 'X'))
		    Scan: customer [c_custkey#1, c_mktsegment#2]
		    Scan: orders [o_orderkey#3, o_custkey#4, o_orderdate#5, o_orderpriority#6] filters=[(orders.o_orderpriority#6 LIKE '1%')]
	`)
}

// Semi join: left-only predicates (above, or in ON) filter the left input,
// right-only ON conjuncts the right input; anti joins keep left-only ON conjuncts.
func TestPushDownSemiAnti(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	l := lineitemScan(b, "")
	on := and(eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")), bin(logical.OpLt, b.col(l, "l_commitdate"), b.col(l, "l_receiptdate")), eq(b.col(o, "o_custkey"), i64(3)))
	semi := &logical.Join{Left: o, Right: l, Kind: logical.JoinSemi, Condition: on}
	out := run(t, b, PushDownFilter{}, filter(semi, eq(b.col(o, "o_orderpriority"), str("1-URGENT"))))
	expectPlan(t, out, `
		Join: Semi on (lineitem.l_orderkey#5 = orders.o_orderkey#1)
		  Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4] filters=[(orders.o_orderpriority#4 = '1-URGENT'), (orders.o_custkey#2 = 3)]
		  Scan: lineitem [l_orderkey#5, l_partkey#6, l_suppkey#7, l_quantity#8, l_commitdate#9, l_receiptdate#10] filters=[(lineitem.l_commitdate#9 < lineitem.l_receiptdate#10)]
	`)
	anti := &logical.Join{Left: o, Right: l, Kind: logical.JoinAnti, Condition: on}
	out = run(t, b, PushDownFilter{}, anti)
	expectPlan(t, out, `
		Join: Anti on ((lineitem.l_orderkey#5 = orders.o_orderkey#1) AND (orders.o_custkey#2 = 3))
		  Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
		  Scan: lineitem [l_orderkey#5, l_partkey#6, l_suppkey#7, l_quantity#8, l_commitdate#9, l_receiptdate#10] filters=[(lineitem.l_commitdate#9 < lineitem.l_receiptdate#10)]
	`)
}

// A UnionAll passes each predicate to every input, renamed to its columns;
// a Limit stops pushdown.
func TestPushDownUnionAndLimit(t *testing.T) {
	b := newBuilder(t)
	o1 := ordersScan(b)
	o2 := ordersScan(b)
	u := &logical.UnionAll{Inputs: []logical.Node{b.project(o1, "o_custkey"), b.project(o2, "o_custkey")},
		Columns: []logical.Column{{ID: b.ids.Next(), Name: "k", Type: logical.Int64}}}
	plan := filter(&logical.Limit{Input: filter(u, eq(u.Columns[0].Ref(), i64(1))), Count: 5}, eq(u.Columns[0].Ref(), i64(2)))
	out := run(t, b, PushDownFilter{}, plan)
	expectPlan(t, out, `
		Filter: (k#9 = 2)
		  Limit: offset=0 count=5
		    UnionAll: [k#9]
		      Project: orders.o_custkey#2
		        Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4] filters=[(orders.o_custkey#2 = 1)]
		      Project: orders.o_custkey#6
		        Scan: orders [o_orderkey#5, o_custkey#6, o_orderdate#7, o_orderpriority#8] filters=[(orders.o_custkey#6 = 1)]
	`)
}
