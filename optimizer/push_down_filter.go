package optimizer

import (
	"github.com/aloftdb/aloft/logical"
)

// PushDownFilter moves each conjunct of every Filter (and of join ON
// conditions) as close to the data as it can go: through Projects and Sorts,
// into the sides of joins, below Aggregates (predicates on group columns),
// into each input of a UnionAll, and finally into Scan.Filters, where the
// scan evaluates them while reading. Conjuncts of an inner join that read
// both sides become its condition, which turns comma joins with WHERE
// equalities into equi-joins. A WHERE conjunct that rejects NULLs from the
// right side of a left join turns it into an inner join.
type PushDownFilter struct{}

func (PushDownFilter) Name() string { return "push_down_filter" }

func (PushDownFilter) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	return pushFilters(plan, nil), nil
}

// pushFilters returns n with preds (conjuncts over n's output) applied as low
// as possible; the result has n's schema.
func pushFilters(n logical.Node, preds []logical.Expr) logical.Node {
	switch n := n.(type) {
	case *logical.Filter:
		return pushFilters(n.Input, append(preds, logical.SplitConjuncts(n.Predicate)...))

	case *logical.Project:
		m := make(map[logical.ColumnID]logical.Expr, len(n.Exprs))
		for i, c := range n.Columns {
			m[c.ID] = n.Exprs[i]
		}
		var down, stay []logical.Expr
		for _, p := range preds {
			s := logical.SubstituteColumns(p, m)
			if logical.HasSubquery(s) {
				stay = append(stay, p)
			} else {
				down = append(down, s)
			}
		}
		return withFilter(n.WithChildren([]logical.Node{pushFilters(n.Input, down)}), stay)

	case *logical.Sort:
		return n.WithChildren([]logical.Node{pushFilters(n.Input, preds)})

	case *logical.Aggregate:
		groups := logical.ColumnIDs(n.GroupColumns)
		m := make(map[logical.ColumnID]logical.Expr, len(n.GroupBy))
		for i, c := range n.GroupColumns {
			m[c.ID] = n.GroupBy[i]
		}
		var down, stay []logical.Expr
		for _, p := range preds {
			// Without GROUP BY an empty input still yields a row, so nothing
			// may be filtered below.
			if len(n.GroupBy) > 0 && logical.ReferencesOnly(p, groups) {
				down = append(down, logical.SubstituteColumns(p, m))
			} else {
				stay = append(stay, p)
			}
		}
		return withFilter(n.WithChildren([]logical.Node{pushFilters(n.Input, down)}), stay)

	case *logical.UnionAll:
		inputs := make([]logical.Node, len(n.Inputs))
		for i, in := range n.Inputs {
			schema := in.Schema()
			m := make(map[logical.ColumnID]logical.Expr, len(n.Columns))
			for j, c := range n.Columns {
				m[c.ID] = schema[j].Ref()
			}
			var down []logical.Expr
			for _, p := range preds {
				down = append(down, logical.SubstituteColumns(p, m))
			}
			inputs[i] = pushFilters(in, down)
		}
		return n.WithChildren(inputs)

	case *logical.Join:
		return pushIntoJoin(n, preds)

	case *logical.Scan:
		cols := logical.ColumnIDs(n.Columns)
		var down, stay []logical.Expr
		for _, p := range preds {
			if logical.ReferencesOnly(p, cols) && !logical.HasSubquery(p) {
				down = append(down, p)
			} else {
				stay = append(stay, p)
			}
		}
		if len(down) == 0 {
			return withFilter(n, stay)
		}
		s := *n
		s.Filters = append(append([]logical.Expr(nil), n.Filters...), down...)
		return withFilter(&s, stay)
	}
	// Limit, Values and anything else: filters stay above; inputs are still optimized.
	kids := n.Children()
	if len(kids) > 0 {
		nk := make([]logical.Node, len(kids))
		for i, k := range kids {
			nk[i] = pushFilters(k, nil)
		}
		n = n.WithChildren(nk)
	}
	return withFilter(n, preds)
}

func withFilter(n logical.Node, preds []logical.Expr) logical.Node {
	if len(preds) == 0 {
		return n
	}
	return &logical.Filter{Input: n, Predicate: logical.Conjunction(preds)}
}

func pushIntoJoin(j *logical.Join, preds []logical.Expr) logical.Node {
	lcols := logical.ColumnIDs(j.Left.Schema())
	rcols := logical.ColumnIDs(j.Right.Schema())
	on := logical.SplitConjuncts(j.Condition)
	var lp, rp, cond, stay []logical.Expr

	kind := j.Kind
	if kind == logical.JoinLeft {
		for _, p := range preds {
			if rejectsNulls(p, rcols) {
				kind = logical.JoinInner
				break
			}
		}
	}
	switch kind {
	case logical.JoinInner:
		both := logical.ColumnIDs(append(j.Left.Schema(), j.Right.Schema()...))
		for _, p := range append(append([]logical.Expr(nil), preds...), on...) {
			switch {
			case logical.HasSubquery(p):
				stay = append(stay, p)
			case logical.ReferencesOnly(p, lcols):
				lp = append(lp, p)
			case logical.ReferencesOnly(p, rcols):
				rp = append(rp, p)
			case logical.ReferencesOnly(p, both):
				cond = append(cond, p)
			default:
				stay = append(stay, p)
			}
		}
	case logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinLeftMark, logical.JoinAntiNullAware:
		// Above the join only predicates on the preserved side can move
		// down; for a mark join that excludes the mark.
		for _, p := range preds {
			if logical.ReferencesOnly(p, lcols) {
				lp = append(lp, p)
			} else {
				stay = append(stay, p)
			}
		}
		for i, p := range on {
			switch {
			case j.Kind == logical.JoinAntiNullAware,
				j.Kind == logical.JoinLeftMark && i == 0 && !logical.ReferencesOnly(p, lcols):
				// AntiNullAware: its NULL semantics are defined over the
				// whole right input. LeftMark: the first conjunct is the IN
				// comparison, whose NULLs make the mark NULL; filtering the
				// right side by it would turn NULL into FALSE.
				cond = append(cond, p)
			case logical.ReferencesOnly(p, rcols) && !logical.HasSubquery(p):
				rp = append(rp, p)
			case j.Kind == logical.JoinSemi && logical.ReferencesOnly(p, lcols) && !logical.HasSubquery(p):
				// A semi join keeps a left row only if the ON holds, so a
				// left-only conjunct filters the left input.
				lp = append(lp, p)
			default:
				cond = append(cond, p)
			}
		}
	default:
		// Right and full joins: nothing crosses them.
		out := j.WithChildren([]logical.Node{pushFilters(j.Left, nil), pushFilters(j.Right, nil)})
		return withFilter(out, preds)
	}
	out := &logical.Join{
		Left:       pushFilters(j.Left, lp),
		Right:      pushFilters(j.Right, rp),
		Kind:       kind,
		Condition:  logical.Conjunction(cond),
		MarkColumn: j.MarkColumn,
	}
	return withFilter(out, stay)
}

// rejectsNulls reports whether pred cannot be true when every column of cols
// it reads is NULL: it is a comparison, LIKE, IN list or IS NOT NULL whose
// operand is NULL whenever such a column is NULL.
func rejectsNulls(pred logical.Expr, cols map[logical.ColumnID]bool) bool {
	var strict func(e logical.Expr) bool
	strict = func(e logical.Expr) bool {
		switch e := e.(type) {
		case *logical.ColumnRef:
			return cols[e.ID]
		case *logical.BinaryExpr:
			if e.Op.IsArithmetic() || (e.Op.IsComparison() && e.Op != logical.OpNullSafeEq) {
				return strict(e.Left) || strict(e.Right)
			}
		case *logical.UnaryExpr:
			if e.Op == logical.OpNeg || e.Op == logical.OpNot {
				return strict(e.Input)
			}
		case *logical.CastExpr:
			return strict(e.Input)
		}
		return false
	}
	switch e := pred.(type) {
	case *logical.BinaryExpr:
		if e.Op == logical.OpAnd {
			return rejectsNulls(e.Left, cols) || rejectsNulls(e.Right, cols)
		}
		if e.Op == logical.OpOr {
			return rejectsNulls(e.Left, cols) && rejectsNulls(e.Right, cols)
		}
		if e.Op.IsComparison() && e.Op != logical.OpNullSafeEq {
			return strict(e.Left) || strict(e.Right)
		}
	case *logical.LikeExpr:
		return strict(e.Input) || strict(e.Pattern)
	case *logical.InListExpr:
		return strict(e.Input)
	case *logical.UnaryExpr:
		switch e.Op {
		case logical.OpIsNotNull, logical.OpIsTrue, logical.OpIsFalse:
			return strict(e.Input)
		case logical.OpNot:
			// NOT (x = NULL) is NULL too.
			if b, ok := e.Input.(*logical.BinaryExpr); ok && b.Op.IsComparison() && b.Op != logical.OpNullSafeEq {
				return strict(b.Left) || strict(b.Right)
			}
		}
	}
	return false
}
