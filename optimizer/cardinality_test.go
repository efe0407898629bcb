package optimizer

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > want*0.01+1e-9 {
		t.Errorf("%s: got %.4g, want %.4g", what, got, want)
	}
}

func TestCardinalityScanFilters(t *testing.T) {
	b := newBuilder(t)
	n := b.scan("nation", "", 25, intCol("n_nationkey", 0, 24), strCol("n_name"))
	e := newEstimator()
	near(t, "scan", e.Rows(n), 25)
	near(t, "key NDV from min/max", e.NDV(n, b.col(n, "n_nationkey").ID), 25)

	eqKey := *n
	eqKey.Filters = []logical.Expr{eq(b.col(n, "n_nationkey"), i64(3))}
	near(t, "key = literal: 1/NDV", e.Rows(&eqKey), 1)

	eqName := *n
	eqName.Filters = []logical.Expr{eq(b.col(n, "n_name"), str("FRANCE"))}
	// Without a distinct count a string equality gets a fixed selectivity (0.1).
	near(t, "string = literal: fixed guess", e.Rows(&eqName), 2.5)

	inList := *n
	inList.Filters = []logical.Expr{&logical.InListExpr{Input: b.col(n, "n_nationkey"), List: []logical.Expr{i64(1), i64(2)}}}
	near(t, "IN list: n x eq", e.Rows(&inList), 2)

	l := lineitemScan(b, "")
	lk := *l
	lk.Filters = []logical.Expr{like(b.col(l, "l_quantity"), "x%")}
	near(t, "LIKE", e.Rows(&lk), 600000)
	rng := *l
	rng.Filters = []logical.Expr{bin(logical.OpLt, b.col(l, "l_partkey"), b.col(l, "l_suppkey"))}
	near(t, "range without constants", e.Rows(&rng), 2000000)
}

// Range predicates against constants interpolate within min/max.
func TestCardinalityRangeInterpolation(t *testing.T) {
	b := newBuilder(t)
	o := b.scan("orders", "", 1000, colSpec{name: "d", typ: logical.Date, min: arrow.Date32(0), max: arrow.Date32(100)})
	f := filter(o, bin(logical.OpLt, b.col(o, "d"), &logical.Literal{Value: arrow.Date32(25), Typ: logical.Date}))
	near(t, "d < 25 of [0,100]", newEstimator().Rows(f), 250)
}

// A join produces |L|*|R|/max(NDV); filtered inputs cap the NDV of their keys.
func TestCardinalityJoin(t *testing.T) {
	b := newBuilder(t)
	s := b.scan("supplier", "", 10000, intCol("s_suppkey", 1, 10000), intCol("s_nationkey", 0, 24))
	n := b.scan("nation", "", 25, intCol("n_nationkey", 0, 24), strCol("n_name"))
	e := newEstimator()
	j := &logical.Join{Left: s, Right: n, Kind: logical.JoinInner, Condition: eq(b.col(s, "s_nationkey"), b.col(n, "n_nationkey"))}
	near(t, "supplier join nation", e.Rows(j), 10000)

	nf := *n
	nf.Filters = []logical.Expr{eq(b.col(n, "n_name"), str("GERMANY"))}
	j2 := &logical.Join{Left: s, Right: &nf, Kind: logical.JoinInner, Condition: j.Condition}
	near(t, "supplier join one nation", e.Rows(j2), 1000)

	cross := &logical.Join{Left: s, Right: n, Kind: logical.JoinInner}
	near(t, "cross join", e.Rows(cross), 250000)

	semi := &logical.Join{Left: s, Right: &nf, Kind: logical.JoinSemi, Condition: j.Condition}
	near(t, "semi join", e.Rows(semi), 1000)
}
