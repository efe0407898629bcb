package optimizer

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

// Boolean connectives with a constant operand simplify without evaluation.
func TestFoldBooleanSimplification(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	x := eq(b.col(o, "o_custkey"), i64(7))
	plan := b.project(filter(o, and(x, boolLit(true), not(not(bin(logical.OpOr, x, boolLit(false)))))), "o_orderkey")
	out := run(t, b, FoldConstants{}, plan)
	expectPlan(t, out, `
		Project: orders.o_orderkey#1
		  Filter: ((orders.o_custkey#2 = 7) AND (orders.o_custkey#2 = 7))
		    Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
}

// A filter that is always true disappears; one never true leaves no rows
// but keeps its schema.
func TestFoldConstantFilters(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	x := eq(b.col(o, "o_custkey"), i64(7))
	plan := b.project(filter(o, bin(logical.OpOr, x, boolLit(true))), "o_orderkey")
	expectPlan(t, run(t, b, FoldConstants{}, plan), `
		Project: orders.o_orderkey#1
		  Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)

	plan = b.project(filter(o, and(x, boolLit(false))), "o_orderkey")
	expectPlan(t, run(t, b, FoldConstants{}, plan), `
		Project: orders.o_orderkey#1
		  Values: rows=0 [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)

	null := &logical.Literal{Value: nil, Typ: logical.Bool}
	plan = b.project(filter(o, null), "o_orderkey")
	expectPlan(t, run(t, b, FoldConstants{}, plan), `
		Project: orders.o_orderkey#1
		  Values: rows=0 [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
}

// Constant sub-expressions are evaluated with expr.EvalConstant (this test
// needs the expression library).
func TestFoldEvaluatesConstants(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	// 1998-12-01 is day 10561 since the epoch.
	date := &logical.Literal{Value: arrow.Date32(10561), Typ: logical.Date}
	days := &logical.Literal{Value: arrow.MonthDayNanoInterval{Days: 90}, Typ: logical.Interval}
	cutoff := &logical.FuncCall{Name: "date_sub", Args: []logical.Expr{date, days}, Typ: logical.Date}
	sum := bin(logical.OpAdd, i64(1), i64(2))
	plan := b.project(filter(o, and(bin(logical.OpLtEq, b.col(o, "o_orderdate"), cutoff), eq(b.col(o, "o_custkey"), sum))), "o_orderkey")
	expectPlan(t, run(t, b, FoldConstants{}, plan), `
		Project: orders.o_orderkey#1
		  Filter: ((orders.o_orderdate#3 <= DATE '1998-09-02') AND (orders.o_custkey#2 = 3))
		    Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
}

// Expressions reading columns are not folded, and expressions whose
// evaluation fails stay as they are (the error is a run-time matter).
func TestFoldLeavesNonConstants(t *testing.T) {
	b := newBuilder(t)
	o := ordersScan(b)
	bad := &logical.FuncCall{Name: "no_such_function", Args: []logical.Expr{i64(1)}, Typ: logical.Int64}
	plan := b.project(filter(o, eq(b.col(o, "o_custkey"), bad)), "o_orderkey")
	expectPlan(t, run(t, b, FoldConstants{}, plan), `
		Project: orders.o_orderkey#1
		  Filter: (orders.o_custkey#2 = no_such_function(1))
		    Scan: orders [o_orderkey#1, o_custkey#2, o_orderdate#3, o_orderpriority#4]
	`)
}
