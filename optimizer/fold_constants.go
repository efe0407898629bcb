package optimizer

import (
	"fmt"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// FoldConstants evaluates constant sub-expressions once at plan time
// (date '1998-12-01' - interval '90' day becomes DATE '1998-09-02'),
// simplifies boolean connectives with constant operands, drops filters that
// are always true and replaces filters that are never true by an empty Values.
//
// Evaluation uses expr.EvalConstant, the same kernels as execution, so folding
// cannot change results. An expression whose evaluation fails is left alone:
// the error then surfaces at run time, and only if a row evaluates it.
type FoldConstants struct{}

func (FoldConstants) Name() string { return "fold_constants" }

func (FoldConstants) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	return logical.TransformUp(plan, foldNode)
}

func foldNode(n logical.Node) (logical.Node, error) {
	n = logical.MapExprs(n, foldExpr)
	switch n := n.(type) {
	case *logical.Filter:
		switch truth(n.Predicate) {
		case isTrue:
			return n.Input, nil
		case isFalseOrNull:
			return emptyValues(n.Schema()), nil
		}
	case *logical.Scan:
		var keep []logical.Expr
		for _, f := range n.Filters {
			switch truth(f) {
			case isTrue:
				continue
			case isFalseOrNull:
				return emptyValues(n.Schema()), nil
			}
			keep = append(keep, f)
		}
		if len(keep) != len(n.Filters) {
			s := *n
			s.Filters = keep
			return &s, nil
		}
	case *logical.Join:
		if n.Condition != nil && truth(n.Condition) == isTrue {
			j := *n
			j.Condition = nil
			return &j, nil
		}
	}
	return n, nil
}

func emptyValues(cols []logical.Column) logical.Node {
	return &logical.Values{Columns: append([]logical.Column(nil), cols...)}
}

type truthValue int

const (
	notConstant truthValue = iota
	isTrue
	isFalseOrNull
)

func truth(e logical.Expr) truthValue {
	l, ok := e.(*logical.Literal)
	if !ok {
		return notConstant
	}
	if b, ok := l.Value.(bool); ok && b {
		return isTrue
	}
	if l.Value == nil || l.Value == false {
		return isFalseOrNull
	}
	return notConstant
}

// foldExpr folds e bottom-up.
func foldExpr(e logical.Expr) logical.Expr {
	return logical.Transform(e, func(x logical.Expr) logical.Expr {
		if s := simplifyBool(x); s != x {
			return s
		}
		if !isFoldable(x) {
			return x
		}
		if lit, err := evalConstant(x); err == nil && lit != nil {
			return lit
		}
		return x
	})
}

// isFoldable: not already a literal, and reads no column, subquery or aggregate.
func isFoldable(e logical.Expr) bool {
	switch e.(type) {
	case *logical.Literal, *logical.ColumnRef, *logical.SubqueryExpr, *logical.AggregateExpr:
		return false
	}
	ok := true
	logical.Walk(e, func(x logical.Expr) bool {
		switch x.(type) {
		case *logical.ColumnRef, *logical.SubqueryExpr, *logical.AggregateExpr:
			ok = false
		}
		return ok
	})
	return ok
}

// evalConstant calls expr.EvalConstant, turning a panic into an error: a
// failure to fold must never fail the query.
func evalConstant(e logical.Expr) (lit *logical.Literal, err error) {
	defer func() {
		if r := recover(); r != nil {
			lit, err = nil, fmt.Errorf("evaluating %s: %v", e, r)
		}
	}()
	return expr.EvalConstant(e)
}

// simplifyBool applies x AND true = x, x AND false = false, x OR true = true,
// x OR false = x, NOT NOT x = x (for BOOLEAN x).
func simplifyBool(e logical.Expr) logical.Expr {
	switch x := e.(type) {
	case *logical.BinaryExpr:
		if x.Op != logical.OpAnd && x.Op != logical.OpOr {
			return e
		}
		for _, side := range [2][2]logical.Expr{{x.Left, x.Right}, {x.Right, x.Left}} {
			c, other := side[0], side[1]
			v, ok := boolConst(c)
			if !ok || !isBoolean(other) {
				continue
			}
			switch {
			case x.Op == logical.OpAnd && v:
				return other
			case x.Op == logical.OpAnd && !v:
				return logical.FalseLiteral()
			case x.Op == logical.OpOr && v:
				return logical.TrueLiteral()
			default:
				return other
			}
		}
	case *logical.UnaryExpr:
		if x.Op != logical.OpNot {
			return e
		}
		if in, ok := x.Input.(*logical.UnaryExpr); ok && in.Op == logical.OpNot && isBoolean(in.Input) {
			return in.Input
		}
	}
	return e
}

func boolConst(e logical.Expr) (bool, bool) {
	if l, ok := e.(*logical.Literal); ok {
		if b, ok := l.Value.(bool); ok {
			return b, true
		}
	}
	return false, false
}

func isBoolean(e logical.Expr) bool { return e.Type().ID() == logical.Bool.ID() }
