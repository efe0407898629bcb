package optimizer

import (
	"github.com/aloftdb/aloft/logical"
)

// ExtractCommonPredicates factors conjuncts shared by every branch of an OR
// out of it: (a AND b) OR (a AND c) becomes a AND (b OR c). TPC-H Q19 writes
// its join condition inside each of three OR branches; without this rule
// the join has no equality to hash on and runs as a nested loop.
type ExtractCommonPredicates struct{}

func (ExtractCommonPredicates) Name() string { return "extract_common_predicates" }

func (ExtractCommonPredicates) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	return logical.TransformUp(plan, func(n logical.Node) (logical.Node, error) {
		switch n.(type) {
		case *logical.Filter, *logical.Join:
			return logical.MapExprs(n, func(e logical.Expr) logical.Expr {
				return logical.Transform(e, factorDisjunction)
			}), nil
		}
		return n, nil
	})
}

// factorDisjunction rewrites one OR node; Transform applies it bottom-up, so
// nested ORs are already flattened into their own factored form.
func factorDisjunction(e logical.Expr) logical.Expr {
	b, ok := e.(*logical.BinaryExpr)
	if !ok || b.Op != logical.OpOr {
		return e
	}
	branches := splitDisjuncts(e)
	conjuncts := make([][]logical.Expr, len(branches))
	for i, br := range branches {
		conjuncts[i] = logical.SplitConjuncts(br)
	}
	// A conjunct is common when every branch has one that prints the same;
	// printing is deterministic and includes column IDs, so equal text means
	// the same expression.
	var common []logical.Expr
	for _, c := range conjuncts[0] {
		key := c.String()
		inAll := true
		for _, other := range conjuncts[1:] {
			if !containsExpr(other, key) {
				inAll = false
				break
			}
		}
		if inAll && !containsExpr(common, key) {
			common = append(common, c)
		}
	}
	if len(common) == 0 {
		return e
	}
	var rest []logical.Expr
	for _, cs := range conjuncts {
		var left []logical.Expr
		for _, c := range cs {
			if !containsExpr(common, c.String()) {
				left = append(left, c)
			}
		}
		if len(left) == 0 {
			// One branch is exactly the common part: the OR is implied by it.
			return logical.Conjunction(common)
		}
		rest = append(rest, logical.Conjunction(left))
	}
	return logical.Conjunction(append(common, disjunction(rest)))
}

func splitDisjuncts(e logical.Expr) []logical.Expr {
	if b, ok := e.(*logical.BinaryExpr); ok && b.Op == logical.OpOr {
		return append(splitDisjuncts(b.Left), splitDisjuncts(b.Right)...)
	}
	return []logical.Expr{e}
}

func disjunction(es []logical.Expr) logical.Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &logical.BinaryExpr{Op: logical.OpOr, Left: out, Right: e, Typ: logical.Bool}
	}
	return out
}

func containsExpr(list []logical.Expr, key string) bool {
	for _, e := range list {
		if e.String() == key {
			return true
		}
	}
	return false
}
