package optimizer

import (
	"testing"

	"github.com/aloftdb/aloft/logical"
)

// Scans keep the required columns plus those their filters read; joins ask
// for their condition columns; identity Projects disappear; unused
// aggregates go.
func TestPruneProjections(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	o, l := d.orders, d.lineitem
	of := *o
	of.Filters = []logical.Expr{bin(logical.OpLt, b.col(o, "o_orderdate"), dateLit(1995))}
	j := &logical.Join{Left: l, Right: &of, Kind: logical.JoinInner, Condition: eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey"))}
	a := b.agg(j, []string{"o_custkey"}, aggOf(logical.AggSum, b.col(l, "l_extendedprice")), aggOf(logical.AggCountStar, nil))
	plan := b.project(b.project(a, "o_custkey", "sum"), "sum")
	out := run(t, b, PruneProjections{}, plan)
	expectPlan(t, out, `
		Project: sum#26
		  Aggregate: group=[orders.o_custkey#13 AS #25] aggs=[sum(lineitem.l_extendedprice#19) AS #26]
		    Join: Inner on (lineitem.l_orderkey#15 = orders.o_orderkey#12)
		      Scan: lineitem [l_orderkey#15, l_extendedprice#19]
		      Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14] filters=[(orders.o_orderdate#14 < DATE '1994-12-26')]
	`)
	validate(t, out)
}

// Semi join inputs: the right side keeps only what the condition reads; a
// scan nobody reads from keeps one column; union inputs stay aligned.
func TestPruneSemiJoinAndUnion(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	o, l := d.orders, d.lineitem
	semi := &logical.Join{Left: o, Right: l, Kind: logical.JoinSemi, Condition: eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey"))}
	count := b.agg(semi, nil, aggOf(logical.AggCountStar, nil))
	out := run(t, b, PruneProjections{}, count)
	expectPlan(t, out, `
		Aggregate: group=[] aggs=[count(*) AS #25]
		  Join: Semi on (lineitem.l_orderkey#15 = orders.o_orderkey#12)
		    Scan: orders [o_orderkey#12]
		    Scan: lineitem [l_orderkey#15]
	`)

	p1 := b.project(d.supplier, "s_suppkey", "s_name")
	p2 := b.project(d.customer, "c_custkey", "c_mktsegment")
	u := &logical.UnionAll{Inputs: []logical.Node{p1, p2}, Columns: []logical.Column{
		{ID: b.ids.Next(), Name: "k", Type: logical.Int64}, {ID: b.ids.Next(), Name: "s", Type: logical.String}}}
	plan := &logical.Project{Input: u, Exprs: []logical.Expr{u.Columns[1].Ref()}, Columns: u.Columns[1:]}
	out = run(t, b, PruneProjections{}, plan)
	expectPlan(t, out, `
		UnionAll: [s#27]
		  Scan: supplier [s_name#8]
		  Scan: customer [c_mktsegment#11]
	`)
}
