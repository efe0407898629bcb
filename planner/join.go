package planner

import (
	"fmt"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// planJoin picks the join algorithm. Equalities between an expression of the
// left input and one of the right input become hash keys; everything else is
// a residual filter over the joined pair. The hash join probes with the left
// input and builds on the right (the optimizer puts the smaller side there).
// On one node the build side is collected once and shared by all probe
// partitions (a broadcast join); RIGHT and FULL joins must remember which
// build rows matched, so they run hash-partitioned on both sides instead.
func (p *planner) planJoin(n *logical.Join) (exec.Exec, error) {
	left, err := p.plan(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := p.plan(n.Right)
	if err != nil {
		return nil, err
	}
	leftCols, rightCols := n.Left.Schema(), n.Right.Schema()
	leftIDs, rightIDs := logical.ColumnIDs(leftCols), logical.ColumnIDs(rightCols)

	var leftKeys, rightKeys, residual []logical.Expr
	for _, c := range logical.SplitConjuncts(n.Condition) {
		if l, r, ok := equiKey(c, leftIDs, rightIDs); ok {
			l, r = coerceKeyPair(l, r)
			leftKeys = append(leftKeys, l)
			rightKeys = append(rightKeys, r)
			continue
		}
		residual = append(residual, c)
	}
	both := append(append([]logical.Column(nil), leftCols...), rightCols...)
	var filter expr.Expr
	if len(residual) > 0 {
		if filter, err = expr.Compile(logical.Conjunction(residual), both); err != nil {
			return nil, err
		}
	}
	markName := ""
	if n.Kind == logical.JoinLeftMark {
		markName = n.MarkColumn.Name
	}

	if len(leftKeys) == 0 {
		switch n.Kind {
		case logical.JoinRight, logical.JoinFull:
			return nil, fmt.Errorf("%s join without an equality condition is not supported yet", n.Kind)
		case logical.JoinAntiNullAware:
			return nil, fmt.Errorf("NOT IN subquery without a comparable key is not supported")
		}
		return exec.NewNestedLoopJoinExec(left, right, n.Kind, filter, markName)
	}

	lk, err := compileAll(leftKeys, leftCols)
	if err != nil {
		return nil, err
	}
	rk, err := compileAll(rightKeys, rightCols)
	if err != nil {
		return nil, err
	}
	mode := exec.JoinCollectBuild
	if n.Kind == logical.JoinRight || n.Kind == logical.JoinFull {
		mode = exec.JoinPartitioned
		parts := p.opts.Partitions
		left = exec.NewRepartitionExec(left, lk, parts)
		right = exec.NewRepartitionExec(right, rk, parts)
	}
	return exec.NewHashJoinExec(left, right, n.Kind, lk, rk, filter, mode, markName)
}

// equiKey recognises "a = b" where a reads only left columns and b only
// right columns (or the reverse), returning the pair as (left, right).
func equiKey(c logical.Expr, leftIDs, rightIDs map[logical.ColumnID]bool) (logical.Expr, logical.Expr, bool) {
	b, ok := c.(*logical.BinaryExpr)
	if !ok || b.Op != logical.OpEq {
		return nil, nil, false
	}
	lu, ru := logical.ColumnsUsed(b.Left), logical.ColumnsUsed(b.Right)
	if len(lu) == 0 || len(ru) == 0 {
		return nil, nil, false
	}
	switch {
	case subset(lu, leftIDs) && subset(ru, rightIDs):
		return b.Left, b.Right, true
	case subset(lu, rightIDs) && subset(ru, leftIDs):
		return b.Right, b.Left, true
	}
	return nil, nil, false
}

// coerceKeyPair gives both sides of a hash key the same type, so that equal
// values hash equally (DECIMAL(15,2) and DECIMAL(38,2) differ in type only).
func coerceKeyPair(l, r logical.Expr) (logical.Expr, logical.Expr) {
	lt, rt := l.Type(), r.Type()
	if arrowTypesEqual(lt, rt) {
		return l, r
	}
	switch {
	case logical.IsDecimal(lt) && logical.IsDecimal(rt):
		ls, rs := decimalScale(lt), decimalScale(rt)
		s := max(ls, rs)
		t := logical.Decimal(logical.MaxDecimalPrecision, s)
		return &logical.CastExpr{Input: l, Typ: t}, &logical.CastExpr{Input: r, Typ: t}
	case logical.IsInteger(lt) && logical.IsInteger(rt):
		return castTo(l, logical.Int64), castTo(r, logical.Int64)
	case logical.IsNumeric(lt) && logical.IsNumeric(rt):
		return castTo(l, logical.Float64), castTo(r, logical.Float64)
	}
	return l, r
}

func subset(a, b map[logical.ColumnID]bool) bool {
	for id := range a {
		if !b[id] {
			return false
		}
	}
	return true
}
