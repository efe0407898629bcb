package optimizer

import (
	"strings"
	"testing"

	"github.com/aloftdb/aloft/logical"
)

func ordersScan(b *builder) *logical.Scan {
	return b.scan("orders", "", 1500000, intCol("o_orderkey", 1, 6000000), intCol("o_custkey", 1, 150000), dateCol("o_orderdate"), strCol("o_orderpriority"))
}

func lineitemScan(b *builder, alias string) *logical.Scan {
	return b.scan("lineitem", alias, 6000000, intCol("l_orderkey", 1, 6000000), intCol("l_partkey", 1, 200000), intCol("l_suppkey", 1, 10000),
		decCol("l_quantity"), dateCol("l_commitdate"), dateCol("l_receiptdate"))
}

// Q4: EXISTS with one correlated equality becomes a semi join on it.
func TestDecorrelateExists(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	l := lineitemScan(b, "")
	sub := filter(l, and(eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")), bin(logical.OpLt, b.col(l, "l_commitdate"), b.col(l, "l_receiptdate"))))
	plan := b.project(filter(o, and(bin(logical.OpGtEq, b.col(o, "o_orderdate"), b.col(o, "o_orderdate")), exists(b.project(sub, "l_orderkey", "l_partkey"), false))), "o_orderpriority")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: orders.o_orderpriority#4
		  Filter: (orders.o_orderdate#3 >= orders.o_orderdate#3)
		    Join: Semi on (lineitem.l_orderkey#5 = orders.o_orderkey#1)
		      Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
		      Filter: (lineitem.l_commitdate#9 < lineitem.l_receiptdate#10)
		        Scan: lineitem [l_orderkey#5, l_partkey#6, l_suppkey#7, l_quantity#8, l_commitdate#9, l_receiptdate#10]
	`)
	validate(t, out)
}

// Q21: EXISTS and NOT EXISTS whose correlation includes a non-equality; both
// predicates form the semi/anti join condition.
func TestDecorrelateExistsNonEquality(t *testing.T) {
	b := newBuilder(t)
	l1 := lineitemScan(b, "l1")
	l2 := lineitemScan(b, "l2")
	l3 := lineitemScan(b, "l3")
	e2 := exists(filter(l2, and(eq(b.col(l2, "l2.l_orderkey"), b.col(l1, "l1.l_orderkey")), bin(logical.OpNotEq, b.col(l2, "l2.l_suppkey"), b.col(l1, "l1.l_suppkey")))), false)
	e3 := exists(filter(l3, and(eq(b.col(l3, "l3.l_orderkey"), b.col(l1, "l1.l_orderkey")), bin(logical.OpNotEq, b.col(l3, "l3.l_suppkey"), b.col(l1, "l1.l_suppkey")),
		bin(logical.OpGt, b.col(l3, "l3.l_receiptdate"), b.col(l3, "l3.l_commitdate")))), true)
	plan := b.project(filter(l1, and(e2, e3)), "l_suppkey")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: l1.l_suppkey#3
		  Join: Anti on ((l3.l_orderkey#13 = l1.l_orderkey#1) AND (l3.l_suppkey#15 != l1.l_suppkey#3))
		    Join: Semi on ((l2.l_orderkey#7 = l1.l_orderkey#1) AND (l2.l_suppkey#9 != l1.l_suppkey#3))
		      Scan: lineitem AS l1 [l_orderkey#1, l_partkey#2, l_suppkey#3, l_quantity#4, l_commitdate#5, l_receiptdate#6]
		      Scan: lineitem AS l2 [l_orderkey#7, l_partkey#8, l_suppkey#9, l_quantity#10, l_commitdate#11, l_receiptdate#12]
		    Filter: (l3.l_receiptdate#18 > l3.l_commitdate#17)
		      Scan: lineitem AS l3 [l_orderkey#13, l_partkey#14, l_suppkey#15, l_quantity#16, l_commitdate#17, l_receiptdate#18]
	`)
	validate(t, out)
}

// Q16: NOT IN over a nullable column needs the null-aware anti join; IN is a semi join.
func TestDecorrelateIn(t *testing.T) {
	b := newBuilder(t)
	ps := b.scan("partsupp", "", 800000, intCol("ps_partkey", 1, 200000), colSpec{name: "ps_suppkey", typ: logical.Int64, nullable: true})
	s := b.scan("supplier", "", 10000, intCol("s_suppkey", 1, 10000), strCol("s_comment"))
	p := b.scan("part", "", 200000, intCol("p_partkey", 1, 200000), strCol("p_name"))
	notIn := in(b.col(ps, "ps_suppkey"), b.project(filter(s, like(b.col(s, "s_comment"), "%Customer%Complaints%")), "s_suppkey"), true)
	isIn := in(b.col(ps, "ps_partkey"), b.project(filter(p, like(b.col(p, "p_name"), "forest%")), "p_partkey"), false)
	plan := b.project(filter(ps, and(notIn, isIn)), "ps_partkey")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: partsupp.ps_partkey#1
		  Join: Semi on (partsupp.ps_partkey#1 = part.p_partkey#5)
		    Join: AntiNullAware on (partsupp.ps_suppkey#2 = supplier.s_suppkey#3)
		      Scan: partsupp [ps_partkey#1, ps_suppkey#2]
		      Project: supplier.s_suppkey#3
		        Filter: (supplier.s_comment#4 LIKE '%Customer%Complaints%')
		          Scan: supplier [s_suppkey#3, s_comment#4]
		    Project: part.p_partkey#5
		      Filter: (part.p_name#6 LIKE 'forest%')
		        Scan: part [p_partkey#5, p_name#6]
	`)
	validate(t, out)

	// Both sides non-nullable: a plain anti join is exact.
	b = newBuilder(t)
	ps = b.scan("partsupp", "", 800000, intCol("ps_partkey", 1, 200000), intCol("ps_suppkey", 1, 10000))
	s = b.scan("supplier", "", 10000, intCol("s_suppkey", 1, 10000))
	plan = b.project(filter(ps, in(b.col(ps, "ps_suppkey"), b.project(s, "s_suppkey"), true)), "ps_partkey")
	out = run(t, b, Decorrelate{}, plan)
	if !strings.Contains(logical.Format(out), "Join: Anti on") {
		t.Errorf("want a plain anti join:\n%s", logical.Format(out))
	}
}

// Q17: a correlated scalar aggregate becomes an aggregate grouped by the
// correlation column, inner-joined (the comparison rejects NULL), and the
// subquery's select list is evaluated above the join.
func TestDecorrelateScalarAggregate(t *testing.T) {
	b := newBuilder(t)
	l := lineitemScan(b, "")
	p := b.scan("part", "", 200000, intCol("p_partkey", 1, 200000), strCol("p_brand"))
	l2 := lineitemScan(b, "l2")
	a := b.agg(filter(l2, eq(b.col(l2, "l_partkey"), b.col(p, "p_partkey"))), nil, aggOf(logical.AggAvg, b.col(l2, "l_quantity")))
	sub := b.projectExpr(a, "x", bin(logical.OpMul, &logical.Literal{Value: 0.2, Typ: logical.Float64}, a.AggColumns[0].Ref()))
	where := and(eq(b.col(p, "p_partkey"), b.col(l, "l_partkey")), bin(logical.OpLt, b.col(l, "l_quantity"), scalar(sub)))
	plan := b.project(filter(cross(l, p), where), "l_quantity")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: lineitem.l_quantity#4
		  Project: lineitem.l_orderkey#1, lineitem.l_partkey#2, lineitem.l_suppkey#3, lineitem.l_quantity#4, lineitem.l_commitdate#5, lineitem.l_receiptdate#6, part.p_partkey#7, part.p_brand#8
		    Filter: ((part.p_partkey#7 = lineitem.l_partkey#2) AND (lineitem.l_quantity#4 < (0.2 * avg#15)))
		      Join: Inner on (l2.l_partkey#17 = part.p_partkey#7)
		        CrossJoin
		          Scan: lineitem [l_orderkey#1, l_partkey#2, l_suppkey#3, l_quantity#4, l_commitdate#5, l_receiptdate#6]
		          Scan: part [p_partkey#7, p_brand#8]
		        Aggregate: group=[l2.l_partkey#10 AS #17] aggs=[avg(l2.l_quantity#12) AS #15]
		          Scan: lineitem AS l2 [l_orderkey#9, l_partkey#10, l_suppkey#11, l_quantity#12, l_commitdate#13, l_receiptdate#14]
	`)
	validate(t, out)
}

// COUNT over no rows is 0: a correlated COUNT in the select list is left
// joined and coalesced.
func TestDecorrelateScalarCount(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	c := b.scan("customer", "", 150000, intCol("c_custkey", 1, 150000))
	a := b.agg(filter(o, eq(b.col(o, "o_custkey"), b.col(c, "c_custkey"))), nil, aggOf(logical.AggCountStar, nil))
	plan := b.projectExpr(c, "n", scalar(b.project(a, "count_star")))
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: coalesce(count_star#6, 0) AS n#7
		  Join: Left on (orders.o_custkey#8 = customer.c_custkey#5)
		    Scan: customer [c_custkey#5]
		    Aggregate: group=[orders.o_custkey#2 AS #8] aggs=[count(*) AS #6]
		      Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
	validate(t, out)
}

// Q22/Q11/Q15: an uncorrelated scalar aggregate returns exactly one row, so a
// cross join provides its value.
func TestDecorrelateUncorrelatedScalar(t *testing.T) {
	b := newBuilder(t)
	c := b.scan("customer", "", 150000, intCol("c_custkey", 1, 150000), decCol("c_acctbal"))
	c2 := b.scan("customer", "c2", 150000, intCol("c_custkey", 1, 150000), decCol("c_acctbal"))
	sub := b.project(b.agg(c2, nil, aggOf(logical.AggAvg, b.col(c2, "c_acctbal"))), "avg")
	plan := b.project(filter(c, bin(logical.OpGt, b.col(c, "c_acctbal"), scalar(sub))), "c_custkey")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: customer.c_custkey#1
		  Project: customer.c_custkey#1, customer.c_acctbal#2
		    Filter: (customer.c_acctbal#2 > avg#5)
		      CrossJoin
		        Scan: customer [c_custkey#1, c_acctbal#2]
		        Project: avg#5
		          Aggregate: group=[] aggs=[avg(c2.c_acctbal#4) AS #5]
		            Scan: customer AS c2 [c_custkey#3, c_acctbal#4]
	`)
	validate(t, out)
}

// EXISTS under OR becomes a mark join; the filter tests the mark.
func TestDecorrelateMark(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	l := lineitemScan(b, "")
	sub := filter(l, eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey")))
	plan := b.project(filter(o, or(eq(b.col(o, "o_custkey"), i64(1)), exists(sub, false))), "o_orderkey")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: orders.o_orderkey#1
		  Project: orders.o_orderkey#1, orders.o_custkey#2, orders.o_orderdate#3, orders.o_orderpriority#4
		    Filter: ((orders.o_custkey#2 = 1) OR (mark#11 IS TRUE))
		      Join: LeftMark on (lineitem.l_orderkey#5 = orders.o_orderkey#1) mark=mark#11
		        Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
		        Scan: lineitem [l_orderkey#5, l_partkey#6, l_suppkey#7, l_quantity#8, l_commitdate#9, l_receiptdate#10]
	`)
	validate(t, out)
}

// Q20: an IN subquery that contains a correlated scalar subquery and another
// IN is decorrelated inside-out.
func TestDecorrelateNested(t *testing.T) {
	b := newBuilder(t)
	s := b.scan("supplier", "", 10000, intCol("s_suppkey", 1, 10000), strCol("s_name"))
	ps := b.scan("partsupp", "", 800000, intCol("ps_partkey", 1, 200000), intCol("ps_suppkey", 1, 10000), intCol("ps_availqty", 1, 9999))
	p := b.scan("part", "", 200000, intCol("p_partkey", 1, 200000), strCol("p_name"))
	l := lineitemScan(b, "")
	inPart := in(b.col(ps, "ps_partkey"), b.project(filter(p, like(b.col(p, "p_name"), "forest%")), "p_partkey"), false)
	a := b.agg(filter(l, and(eq(b.col(l, "l_partkey"), b.col(ps, "ps_partkey")), eq(b.col(l, "l_suppkey"), b.col(ps, "ps_suppkey")))), nil,
		aggOf(logical.AggSum, b.col(l, "l_quantity")))
	half := b.projectExpr(a, "half", bin(logical.OpMul, &logical.Literal{Value: 0.5, Typ: logical.Float64}, a.AggColumns[0].Ref()))
	sub := b.project(filter(ps, and(inPart, bin(logical.OpGt, b.col(ps, "ps_availqty"), scalar(half)))), "ps_suppkey")
	plan := b.project(filter(s, in(b.col(s, "s_suppkey"), sub, false)), "s_name")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: supplier.s_name#2
		  Join: Semi on (supplier.s_suppkey#1 = partsupp.ps_suppkey#4)
		    Scan: supplier [s_suppkey#1, s_name#2]
		    Project: partsupp.ps_suppkey#4
		      Project: partsupp.ps_partkey#3, partsupp.ps_suppkey#4, partsupp.ps_availqty#5
		        Filter: (partsupp.ps_availqty#5 > (0.5 * sum#14))
		          Join: Inner on ((lineitem.l_partkey#16 = partsupp.ps_partkey#3) AND (lineitem.l_suppkey#17 = partsupp.ps_suppkey#4))
		            Join: Semi on (partsupp.ps_partkey#3 = part.p_partkey#6)
		              Scan: partsupp [ps_partkey#3, ps_suppkey#4, ps_availqty#5]
		              Project: part.p_partkey#6
		                Filter: (part.p_name#7 LIKE 'forest%')
		                  Scan: part [p_partkey#6, p_name#7]
		            Aggregate: group=[lineitem.l_partkey#9 AS #16, lineitem.l_suppkey#10 AS #17] aggs=[sum(lineitem.l_quantity#11) AS #14]
		              Scan: lineitem [l_orderkey#8, l_partkey#9, l_suppkey#10, l_quantity#11, l_commitdate#12, l_receiptdate#13]
	`)
	validate(t, out)
}

// A correlated scalar aggregate with a non-equality correlation is rejected clearly.
// A non-equality correlation below an aggregate is evaluated against the
// domain of distinct outer values, and the result is joined back on them.
func TestDecorrelateNonEquality(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	l := lineitemScan(b, "")
	a := b.agg(filter(l, bin(logical.OpLt, b.col(l, "l_orderkey"), b.col(o, "o_orderkey"))), nil, aggOf(logical.AggCountStar, nil))
	plan := b.projectExpr(o, "n", scalar(b.project(a, "count_star")))
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: coalesce(count_star#11, 0) AS n#12
		  Join: Left on (orders.o_orderkey#1 = o_orderkey#14)
		    Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
		    Aggregate: group=[o_orderkey#13 AS #14] aggs=[count(*) AS #11]
		      Join: Inner on (lineitem.l_orderkey#5 < o_orderkey#13)
		        Aggregate: group=[orders.o_orderkey#1 AS #13] aggs=[]
		          Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
		        Scan: lineitem [l_orderkey#5, l_partkey#6, l_suppkey#7, l_quantity#8, l_commitdate#9, l_receiptdate#10]
	`)
}

// EXISTS over an aggregate without GROUP BY is always true.
func TestDecorrelateExistsScalarAggregate(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	l := lineitemScan(b, "")
	a := b.agg(filter(l, eq(b.col(l, "l_orderkey"), b.col(o, "o_orderkey"))), nil, aggOf(logical.AggCountStar, nil))
	plan := b.project(filter(o, exists(a, false)), "o_orderkey")
	out := run(t, b, Decorrelate{}, plan)
	expectPlan(t, out, `
		Project: orders.o_orderkey#1
		  Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
}
