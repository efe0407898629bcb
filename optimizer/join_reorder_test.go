package optimizer

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

// tpch holds scans of the TPC-H tables at scale factor 1 (only the columns
// the tests need).
type tpch struct {
	region, nation, supplier, customer, orders, lineitem, part, partsupp *logical.Scan
}

func newTPCH(b *builder) *tpch {
	day := func(y int) arrow.Date32 { return arrow.Date32((y - 1970) * 365) }
	date := func(name string) colSpec {
		return colSpec{name: name, typ: logical.Date, min: day(1992), max: day(1998)}
	}
	return &tpch{
		region:   b.scan("region", "", 5, intCol("r_regionkey", 0, 4), strCol("r_name")),
		nation:   b.scan("nation", "", 25, intCol("n_nationkey", 0, 24), intCol("n_regionkey", 0, 4), strCol("n_name")),
		supplier: b.scan("supplier", "", 10000, intCol("s_suppkey", 1, 10000), intCol("s_nationkey", 0, 24), strCol("s_name")),
		customer: b.scan("customer", "", 150000, intCol("c_custkey", 1, 150000), intCol("c_nationkey", 0, 24), strCol("c_mktsegment")),
		orders:   b.scan("orders", "", 1500000, intCol("o_orderkey", 1, 6000000), intCol("o_custkey", 1, 150000), date("o_orderdate")),
		lineitem: b.scan("lineitem", "", 6000000, intCol("l_orderkey", 1, 6000000), intCol("l_partkey", 1, 200000), intCol("l_suppkey", 1, 10000), date("l_shipdate"), decCol("l_extendedprice")),
		part:     b.scan("part", "", 200000, intCol("p_partkey", 1, 200000), strCol("p_name")),
		partsupp: b.scan("partsupp", "", 800000, intCol("ps_partkey", 1, 200000), intCol("ps_suppkey", 1, 10000), decCol("ps_supplycost")),
	}
}

func dateLit(y int) logical.Expr {
	return &logical.Literal{Value: arrow.Date32((y - 1970) * 365), Typ: logical.Date}
}

// Q5: six tables joined with commas. After pushdown and reordering there is no
// cross product, and the big tables probe (left) while the small ones build.
func TestJoinReorderQ5(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	c, o, l, s, n, r := d.customer, d.orders, d.lineitem, d.supplier, d.nation, d.region
	where := and(
		eq(b.col(c, "c_custkey"), b.col(o, "o_custkey")),
		eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")),
		eq(b.col(l, "l_suppkey"), b.col(s, "s_suppkey")),
		eq(b.col(c, "c_nationkey"), b.col(s, "s_nationkey")),
		eq(b.col(s, "s_nationkey"), b.col(n, "n_nationkey")),
		eq(b.col(n, "n_regionkey"), b.col(r, "r_regionkey")),
		eq(b.col(r, "r_name"), str("ASIA")),
		bin(logical.OpGtEq, b.col(o, "o_orderdate"), dateLit(1994)),
		bin(logical.OpLt, b.col(o, "o_orderdate"), dateLit(1995)),
	)
	plan := b.project(filter(cross(c, o, l, s, n, r), where), "n_name", "l_extendedprice")
	out := run(t, b, PushDownFilter{}, plan)
	out = run(t, b, JoinReorder{}, out)
	out = run(t, b, PushDownFilter{}, out)
	validate(t, out)
	expectPlan(t, out, `
		Project: nation.n_name#5, lineitem.l_extendedprice#19
		  Project: customer.c_custkey#9, customer.c_nationkey#10, customer.c_mktsegment#11, orders.o_orderkey#12, orders.o_custkey#13, orders.o_orderdate#14, lineitem.l_orderkey#15, lineitem.l_partkey#16, lineitem.l_suppkey#17, lineitem.l_shipdate#18, lineitem.l_extendedprice#19, supplier.s_suppkey#6, supplier.s_nationkey#7, supplier.s_name#8, nation.n_nationkey#3, nation.n_regionkey#4, nation.n_name#5, region.r_regionkey#1, region.r_name#2
		    Join: Inner on ((customer.c_custkey#9 = orders.o_custkey#13) AND (customer.c_nationkey#10 = supplier.s_nationkey#7))
		      Join: Inner on (lineitem.l_orderkey#15 = orders.o_orderkey#12)
		        Join: Inner on (lineitem.l_suppkey#17 = supplier.s_suppkey#6)
		          Scan: lineitem [l_orderkey#15, l_partkey#16, l_suppkey#17, l_shipdate#18, l_extendedprice#19]
		          Join: Inner on (supplier.s_nationkey#7 = nation.n_nationkey#3)
		            Scan: supplier [s_suppkey#6, s_nationkey#7, s_name#8]
		            Join: Inner on (nation.n_regionkey#4 = region.r_regionkey#1)
		              Scan: nation [n_nationkey#3, n_regionkey#4, n_name#5]
		              Scan: region [r_regionkey#1, r_name#2] filters=[(region.r_name#2 = 'ASIA')]
		        Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14] filters=[(orders.o_orderdate#14 >= DATE '1993-12-26'), (orders.o_orderdate#14 < DATE '1994-12-26')]
		      Scan: customer [c_custkey#9, c_nationkey#10, c_mktsegment#11]
	`)
}

// Two relations: the smaller one is the build (right) side; the original
// column order is restored by a Project.
func TestJoinReorderBuildSide(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	j := &logical.Join{Left: d.nation, Right: d.supplier, Kind: logical.JoinInner, Condition: eq(b.col(d.nation, "n_nationkey"), b.col(d.supplier, "s_nationkey"))}
	out := run(t, b, JoinReorder{}, j)
	expectPlan(t, out, `
		Project: nation.n_nationkey#3, nation.n_regionkey#4, nation.n_name#5, supplier.s_suppkey#6, supplier.s_nationkey#7, supplier.s_name#8
		  Join: Inner on (nation.n_nationkey#3 = supplier.s_nationkey#7)
		    Scan: supplier [s_suppkey#6, s_nationkey#7, s_name#8]
		    Scan: nation [n_nationkey#3, n_regionkey#4, n_name#5]
	`)
}

// A relation without any join predicate is joined last (cross product only
// when unavoidable), not between connected ones.
func TestJoinReorderAvoidsCrossProducts(t *testing.T) {
	b := newBuilder(t)
	d := newTPCH(b)
	o, l, r := d.orders, d.lineitem, d.region
	plan := b.project(filter(cross(o, r, l), eq(b.col(o, "o_orderkey"), b.col(l, "l_orderkey"))), "o_orderkey")
	out := run(t, b, PushDownFilter{}, plan)
	out = run(t, b, JoinReorder{}, out)
	validate(t, out)
	expectPlan(t, out, `
		Project: orders.o_orderkey#12
		  Project: orders.o_orderkey#12, orders.o_custkey#13, orders.o_orderdate#14, region.r_regionkey#1, region.r_name#2, lineitem.l_orderkey#15, lineitem.l_partkey#16, lineitem.l_suppkey#17, lineitem.l_shipdate#18, lineitem.l_extendedprice#19
		    CrossJoin
		      Join: Inner on (orders.o_orderkey#12 = lineitem.l_orderkey#15)
		        Scan: lineitem [l_orderkey#15, l_partkey#16, l_suppkey#17, l_shipdate#18, l_extendedprice#19]
		        Scan: orders [o_orderkey#12, o_custkey#13, o_orderdate#14]
		      Scan: region [r_regionkey#1, r_name#2]
	`)
}
