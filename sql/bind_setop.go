package sql

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// exceptIntersect binds left EXCEPT right (anti join) or left INTERSECT
// right (semi join), both DISTINCT: rows compare column by column with
// NULL-safe equality (two NULLs are the same row), after casting both
// inputs to the columns' common types. Output names come from left.
func (b *binder) exceptIntersect(left, right logical.Node, intersect bool) (logical.Node, error) {
	u, err := b.unionAll([]logical.Node{left, right})
	if err != nil {
		return nil, err
	}
	l, r := u.Inputs[0], u.Inputs[1]
	lcols, rcols := l.Schema(), r.Schema()
	conds := make([]logical.Expr, len(lcols))
	for i := range lcols {
		conds[i] = &logical.BinaryExpr{Op: logical.OpNullSafeEq, Left: lcols[i].Ref(), Right: rcols[i].Ref(), Typ: logical.Bool}
	}
	kind := logical.JoinAnti
	if intersect {
		kind = logical.JoinSemi
	}
	join := &logical.Join{Left: l, Right: r, Kind: kind, Condition: logical.Conjunction(conds)}
	return b.distinct(join), nil
}

// groupIntersects gives INTERSECT its precedence over UNION and EXCEPT
// (MySQL, standard SQL): the parser lists "a UNION b INTERSECT c" flat,
// so runs joined by INTERSECT are grouped into nested lists, which the
// binder then combines first. The AST is not modified.
func groupIntersects(l *ast.SetOprSelectList) *ast.SetOprSelectList {
	opOf := func(n ast.Node) *ast.SetOprType {
		switch x := n.(type) {
		case *ast.SelectStmt:
			return x.AfterSetOperator
		case *ast.SetOprSelectList:
			return x.AfterSetOperator
		}
		return nil
	}
	has := false
	for i, s := range l.Selects {
		if op := opOf(s); i > 0 && op != nil && *op == ast.Intersect {
			has = true
		}
	}
	if !has || len(l.Selects) < 3 {
		return l
	}
	out := *l
	out.Selects = nil
	for i := 0; i < len(l.Selects); {
		j := i + 1
		for j < len(l.Selects) {
			if op := opOf(l.Selects[j]); op == nil || *op != ast.Intersect {
				break
			}
			j++
		}
		if j-i == 1 || (i == 0 && j == len(l.Selects)) {
			out.Selects = append(out.Selects, l.Selects[i:j]...)
		} else {
			group := &ast.SetOprSelectList{Selects: append([]ast.Node(nil), l.Selects[i:j]...), AfterSetOperator: opOf(l.Selects[i])}
			out.Selects = append(out.Selects, group)
		}
		i = j
	}
	return &out
}

// negatedNegativeConstant implements MySQL's typing of unary minus over a
// constant integer expression whose value is negative (- -41,
// - COALESCE(-93, 95)): the result is a DECIMAL, because negating a BIGINT
// constant could overflow. It returns nil when the rule does not apply.
func negatedNegativeConstant(e logical.Expr) logical.Expr {
	if !logical.IsInteger(e.Type()) || !isConstantExpr(e) {
		return nil
	}
	lit, err := expr.EvalConstant(e)
	if err != nil {
		return nil
	}
	v, ok := lit.Value.(int64)
	if !ok || v >= 0 {
		return nil
	}
	d, err := castTo(&logical.Literal{Value: v, Typ: logical.Int64}, asDecimalType(&logical.Literal{Value: v, Typ: logical.Int64}))
	if err != nil {
		return nil
	}
	return negateLiteral(d.(*logical.Literal))
}

// isConstantExpr: no columns, aggregates or subqueries.
func isConstantExpr(e logical.Expr) bool {
	ok := true
	logical.Walk(e, func(x logical.Expr) bool {
		switch x.(type) {
		case *logical.ColumnRef, *logical.AggregateExpr, *logical.SubqueryExpr:
			ok = false
		}
		return ok
	})
	return ok
}
