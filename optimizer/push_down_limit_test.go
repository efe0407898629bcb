package optimizer

import (
	"testing"

	"github.com/aloftdb/aloft/logical"
)

func TestPushDownLimit(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	s := &logical.Sort{Input: d.orders, Keys: []logical.SortKey{{Expr: b.col(d.orders, "o_orderdate")}}}
	// Limit over Project over Sort: the limit moves under the Project and
	// stays on the Sort (a top-N).
	plan := &logical.Limit{Input: b.project(s, "o_orderkey"), Offset: 2, Count: 10}
	expectPlan(t, run(t, b, PushDownLimit{}, plan), `
		Project: orders.o_orderkey#12
		  Limit: offset=2 count=10
		    Sort: orders.o_orderdate#14 ASC NULLS LAST
		      Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14]
	`)

	// Limits merge: skip 1 of at most 5 rows, then take 10 of the rest = 4.
	plan = &logical.Limit{Input: &logical.Limit{Input: d.region, Count: 5}, Offset: 1, Count: 10}
	expectPlan(t, run(t, b, PushDownLimit{}, plan), `
		Limit: offset=1 count=4
		  Scan: region [r_regionkey#1, r_name#2]
	`)

	// Union inputs each need at most offset+count rows.
	u := &logical.UnionAll{Inputs: []logical.Node{b.project(d.region, "r_regionkey"), b.project(d.nation, "n_nationkey")},
		Columns: []logical.Column{{ID: b.ids.Next(), Name: "k", Type: logical.Int64}}}
	plan = &logical.Limit{Input: u, Offset: 1, Count: 2}
	expectPlan(t, run(t, b, PushDownLimit{}, plan), `
		Limit: offset=1 count=2
		  UnionAll: [k#25]
		    Project: region.r_regionkey#1
		      Limit: offset=0 count=3
		        Scan: region [r_regionkey#1, r_name#2]
		    Project: nation.n_nationkey#3
		      Limit: offset=0 count=3
		        Scan: nation [n_nationkey#3, n_regionkey#4, n_name#5]
	`)
}
