package optimizer

import (
	"testing"

	"github.com/aloftdb/aloft/logical"
)

func optimizeAll(t *testing.T, b *builder, plan logical.Node) logical.Node {
	t.Helper()
	out, err := Optimize(plan, b.ctx(), DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, plan, out)
	validate(t, out)
	return out
}

// Q3: comma joins with WHERE, aggregate, ORDER BY, LIMIT.
func TestDefaultRulesQ3(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	c, o, l := d.customer, d.orders, d.lineitem
	where := and(
		eq(b.col(c, "c_mktsegment"), str("BUILDING")),
		eq(b.col(c, "c_custkey"), b.col(o, "o_custkey")),
		eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")),
		bin(logical.OpLt, b.col(o, "o_orderdate"), dateLit(1995)),
		bin(logical.OpGt, b.col(l, "l_shipdate"), dateLit(1995)),
	)
	a := b.agg(filter(cross(c, o, l), where), []string{"l_orderkey", "o_orderdate"}, aggOf(logical.AggSum, b.col(l, "l_extendedprice")))
	p := b.project(a, "l_orderkey", "sum", "o_orderdate")
	plan := &logical.Limit{Input: &logical.Sort{Input: p, Keys: []logical.SortKey{{Expr: a.AggColumns[0].Ref(), Desc: true}}}, Count: 10}
	out := optimizeAll(t, b, plan)
	expectPlan(t, out, `
		Limit: offset=0 count=10
		  Sort: sum#27 DESC NULLS LAST
		    Project: l_orderkey#25, sum#27, o_orderdate#26
		      Aggregate: group=[lineitem.l_orderkey#15 AS #25, orders.o_orderdate#14 AS #26] aggs=[sum(lineitem.l_extendedprice#19) AS #27]
		        Project: orders.o_orderdate#14, lineitem.l_orderkey#15, lineitem.l_extendedprice#19
		          Join: Inner on (lineitem.l_orderkey#15 = orders.o_orderkey#12)
		            Scan: lineitem [l_orderkey#15, l_shipdate#18, l_extendedprice#19] filters=[(lineitem.l_shipdate#18 > DATE '1994-12-26')]
		            Join: Inner on (customer.c_custkey#9 = orders.o_custkey#13)
		              Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14] filters=[(orders.o_orderdate#14 < DATE '1994-12-26')]
		              Scan: customer [c_custkey#9, c_mktsegment#11] filters=[(customer.c_mktsegment#11 = 'BUILDING')]
	`)
}

// Q21: EXISTS and NOT EXISTS with a non-equality correlation over a
// four-table comma join.
func TestDefaultRulesQ21(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	s, o, n := d.supplier, d.orders, d.nation
	l1 := lineitemScan(b, "l1")
	l2 := lineitemScan(b, "l2")
	l3 := lineitemScan(b, "l3")
	e2 := exists(b.project(filter(l2, and(eq(b.col(l2, "l2.l_orderkey"), b.col(l1, "l1.l_orderkey")), bin(logical.OpNotEq, b.col(l2, "l2.l_suppkey"), b.col(l1, "l1.l_suppkey")))), "l_orderkey"), false)
	e3 := exists(b.project(filter(l3, and(eq(b.col(l3, "l3.l_orderkey"), b.col(l1, "l1.l_orderkey")), bin(logical.OpNotEq, b.col(l3, "l3.l_suppkey"), b.col(l1, "l1.l_suppkey")),
		bin(logical.OpGt, b.col(l3, "l3.l_receiptdate"), b.col(l3, "l3.l_commitdate")))), "l_orderkey"), true)
	where := and(
		eq(b.col(s, "s_suppkey"), b.col(l1, "l1.l_suppkey")),
		eq(b.col(o, "o_orderkey"), b.col(l1, "l1.l_orderkey")),
		bin(logical.OpGt, b.col(l1, "l1.l_receiptdate"), b.col(l1, "l1.l_commitdate")),
		e2, e3,
		eq(b.col(s, "s_nationkey"), b.col(n, "n_nationkey")),
		eq(b.col(n, "n_name"), str("SAUDI ARABIA")),
	)
	a := b.agg(filter(cross(s, l1, o, n), where), []string{"s_name"}, aggOf(logical.AggCountStar, nil))
	plan := &logical.Limit{Input: &logical.Sort{Input: a, Keys: []logical.SortKey{{Expr: a.AggColumns[0].Ref(), Desc: true}}}, Count: 100}
	out := optimizeAll(t, b, plan)
	// The semi and anti joins read only l1's columns and move below the
	// join with orders, onto the smaller input that holds l1.
	expectPlan(t, out, `
		Limit: offset=0 count=100
		  Sort: count_star#44 DESC NULLS LAST
		    Aggregate: group=[supplier.s_name#8 AS #43] aggs=[count(*) AS #44]
		      Project: supplier.s_name#8
		        Join: Inner on (orders.o_orderkey#12 = l1.l_orderkey#25)
		          Scan: orders [o_orderkey#12]
		          Join: Semi on ((l2.l_orderkey#31 = l1.l_orderkey#25) AND (l2.l_suppkey#33 != l1.l_suppkey#27))
		            Join: Anti on ((l3.l_orderkey#37 = l1.l_orderkey#25) AND (l3.l_suppkey#39 != l1.l_suppkey#27))
		              Join: Inner on (supplier.s_suppkey#6 = l1.l_suppkey#27)
		                Scan: lineitem AS l1 [l_orderkey#25, l_suppkey#27, l_commitdate#29, l_receiptdate#30] filters=[(l1.l_receiptdate#30 > l1.l_commitdate#29)]
		                Join: Inner on (supplier.s_nationkey#7 = nation.n_nationkey#3)
		                  Scan: supplier [s_suppkey#6, s_nationkey#7, s_name#8]
		                  Scan: nation [n_nationkey#3, n_name#5] filters=[(nation.n_name#5 = 'SAUDI ARABIA')]
		              Scan: lineitem AS l3 [l_orderkey#37, l_suppkey#39, l_commitdate#41, l_receiptdate#42] filters=[(l3.l_receiptdate#42 > l3.l_commitdate#41)]
		            Scan: lineitem AS l2 [l_orderkey#31, l_suppkey#33]
	`)
}
