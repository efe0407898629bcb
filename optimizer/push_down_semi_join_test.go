package optimizer

import (
	"testing"

	"github.com/aloftdb/aloft/logical"
)

// A semi join testing orders' key moves below the inner joins and the
// pass-through projection, onto the orders scan (TPC-H Q18's shape).
func TestPushDownSemiJoinOntoItsInput(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	l, o, c := d.lineitem, d.orders, d.customer
	oc := &logical.Join{Left: o, Right: c, Kind: logical.JoinInner, Condition: eq(b.col(c, "c_custkey"), b.col(o, "o_custkey"))}
	loc := &logical.Join{Left: l, Right: oc, Kind: logical.JoinInner, Condition: eq(b.col(o, "o_orderkey"), b.col(l, "l_orderkey"))}
	proj := b.project(loc, "o_orderkey", "c_custkey", "l_extendedprice")
	sub := b.project(d.partsupp, "ps_partkey")
	semi := &logical.Join{Left: proj, Right: sub, Kind: logical.JoinSemi, Condition: eq(b.col(o, "o_orderkey"), b.col(sub, "ps_partkey"))}
	expectPlan(t, run(t, b, PushDownSemiJoin{}, semi), `
		Project: orders.o_orderkey#12, customer.c_custkey#9, lineitem.l_extendedprice#19
		  Join: Inner on (orders.o_orderkey#12 = lineitem.l_orderkey#15)
		    Scan: lineitem [l_orderkey#15, l_partkey#16, l_suppkey#17, l_shipdate#18, l_extendedprice#19]
		    Join: Inner on (customer.c_custkey#9 = orders.o_custkey#13)
		      Join: Semi on (orders.o_orderkey#12 = partsupp.ps_partkey#22)
		        Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14]
		        Project: partsupp.ps_partkey#22
		          Scan: partsupp [ps_partkey#22, ps_suppkey#23, ps_supplycost#24]
		      Scan: customer [c_custkey#9, c_nationkey#10, c_mktsegment#11]
	`)
}

// The semi join stays put when its columns are computed by the projection,
// span both join inputs, or sit on the nullable side of a left join.
func TestPushDownSemiJoinStays(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	o, c := d.orders, d.customer
	left := &logical.Join{Left: c, Right: o, Kind: logical.JoinLeft, Condition: eq(b.col(c, "c_custkey"), b.col(o, "o_custkey"))}
	sub := b.project(d.partsupp, "ps_partkey")
	semi := &logical.Join{Left: left, Right: sub, Kind: logical.JoinAnti, Condition: eq(b.col(o, "o_orderkey"), b.col(sub, "ps_partkey"))}
	got := run(t, b, PushDownSemiJoin{}, semi)
	if got != logical.Node(semi) {
		t.Fatalf("anti join on the nullable side of a left join moved:\n%s", logical.Format(got))
	}
}
