package optimizer

import (
	"fmt"

	"github.com/aloftdb/aloft/logical"
)

// Decorrelate removes every SubqueryExpr from the plan by turning subqueries
// into joins:
//
//   - [NOT] EXISTS and [NOT] IN used as a WHERE/HAVING conjunct become
//     Semi, Anti or AntiNullAware joins whose condition is the IN equality
//     plus the correlated predicates pulled up out of the subquery;
//   - scalar subqueries become a join with the subquery (an aggregate grouped
//     by the correlation columns when correlated), and the SubqueryExpr is
//     replaced by the subquery's value computed over the joined columns;
//   - EXISTS/IN anywhere else (under OR, NOT of a compound, the select list)
//     become LeftMark joins and the SubqueryExpr is replaced by the mark.
//
// Subqueries are processed inside-out: a subquery's own subqueries are
// decorrelated before the subquery itself.
//
// Correlation that is not a set of equalities (x.b < t.b, x.k <=> t.k OR
// ...) is evaluated against the domain of the outer input: the distinct
// values of the outer columns it reads, joined to the subquery's input with
// the correlated predicates as the join condition (see domainAggregate).
// A scalar subquery not known to return at most one row (per outer row when
// correlated) is checked at run time by an EnforceSingleRow node, which
// fails with "Subquery returns more than 1 row". A correlated NOT IN, or a
// correlated IN used as a value, applies its NULL rule per outer row.
//
// Known gaps: outer columns under a LIMIT, in a derived table's select list,
// in ORDER BY, inside an aggregate's arguments, or on the inner side of an
// outer/semi join of the subquery are not decorrelated (an error, not a wrong
// answer); non-equality correlation with a column of a query two or more
// levels out is only supported when no aggregate lies in between.
type Decorrelate struct{}

func (Decorrelate) Name() string { return "decorrelate" }

func (Decorrelate) Rewrite(plan logical.Node, ctx *Context) (logical.Node, error) {
	d := &decorrelator{ids: ctx.IDs}
	out, err := d.plan(plan)
	if err != nil {
		return nil, err
	}
	var left logical.Expr
	logical.WalkPlan(out, func(n logical.Node) {
		for _, e := range logical.NodeExprs(n) {
			logical.Walk(e, func(x logical.Expr) bool {
				if _, ok := x.(*logical.SubqueryExpr); ok && left == nil {
					left = x
				}
				return left == nil
			})
		}
	})
	if left != nil {
		return nil, fmt.Errorf("unsupported subquery: %s", left)
	}
	return out, nil
}

type decorrelator struct {
	ids *logical.IDAllocator
	// countCols collects, during one pullUp, the COUNT columns of scalar
	// aggregates that were turned into grouped ones: after the left join an
	// unmatched outer row sees NULL there, where the subquery gave 0.
	countCols map[logical.ColumnID]bool
	// domainSrc is, during one pullUp, the outer input the subquery is
	// joined to: the distinct values of its correlated columns form the
	// domain that non-equality correlation is evaluated against.
	domainSrc logical.Node
	// domains are the domain nodes built so far.
	domains map[logical.Node]bool
}

func (d *decorrelator) plan(n logical.Node) (logical.Node, error) {
	return logical.TransformUp(n, d.node)
}

func (d *decorrelator) node(n logical.Node) (logical.Node, error) {
	switch n := n.(type) {
	case *logical.Filter:
		if logical.HasSubquery(n.Predicate) {
			return d.filter(n)
		}
	case *logical.Project:
		for _, e := range n.Exprs {
			if logical.HasSubquery(e) {
				return d.project(n)
			}
		}
	case *logical.Join:
		// A subquery in an inner join's ON is the same as one in a Filter above it.
		if n.Kind == logical.JoinInner && n.Condition != nil && logical.HasSubquery(n.Condition) {
			j := *n
			j.Condition = nil
			return d.filter(&logical.Filter{Input: &j, Predicate: n.Condition})
		}
	}
	return n, nil
}

func (d *decorrelator) filter(f *logical.Filter) (logical.Node, error) {
	input := f.Input
	var kept []logical.Expr
	for _, c := range logical.SplitConjuncts(f.Predicate) {
		if sq, negated, ok := conjunctSubquery(c); ok {
			var err error
			if input, err = d.semiJoin(input, sq, negated); err != nil {
				return nil, err
			}
			continue
		}
		if logical.HasSubquery(c) {
			var err error
			if c, input, err = d.replaceSubqueries(c, input, nullRejected(c)); err != nil {
				return nil, err
			}
		}
		kept = append(kept, c)
	}
	out := input
	if len(kept) > 0 {
		out = &logical.Filter{Input: input, Predicate: logical.Conjunction(kept)}
	}
	// Inner and mark joins added columns; the parent expects the Filter's schema.
	return logical.ProjectColumns(out, f.Schema()), nil
}

func (d *decorrelator) project(p *logical.Project) (logical.Node, error) {
	input := p.Input
	exprs := make([]logical.Expr, len(p.Exprs))
	for i, e := range p.Exprs {
		exprs[i] = e
		if logical.HasSubquery(e) {
			var err error
			if exprs[i], input, err = d.replaceSubqueries(e, input, nil); err != nil {
				return nil, err
			}
		}
	}
	return &logical.Project{Input: input, Exprs: exprs, Columns: p.Columns}, nil
}

// conjunctSubquery recognizes a conjunct that is exactly [NOT] EXISTS or [NOT] IN.
func conjunctSubquery(c logical.Expr) (*logical.SubqueryExpr, bool, bool) {
	negated := false
	for {
		u, ok := c.(*logical.UnaryExpr)
		if !ok || u.Op != logical.OpNot {
			break
		}
		negated = !negated
		c = u.Input
	}
	sq, ok := c.(*logical.SubqueryExpr)
	if !ok || sq.Kind == logical.SubqueryScalar || logical.HasSubquery(sq.Input) {
		return nil, false, false
	}
	return sq, negated != sq.Negated, true
}

// nullRejected returns the scalar subqueries of a filter conjunct whose NULL
// value makes the conjunct not true: for those an unmatched outer row would be
// filtered out anyway, so an inner join is as good as a left join.
func nullRejected(c logical.Expr) map[*logical.SubqueryExpr]bool {
	out := map[*logical.SubqueryExpr]bool{}
	var strict func(e logical.Expr)
	strict = func(e logical.Expr) {
		switch e := e.(type) {
		case *logical.SubqueryExpr:
			if e.Kind == logical.SubqueryScalar {
				out[e] = true
			}
		case *logical.BinaryExpr:
			if e.Op.IsArithmetic() || (e.Op.IsComparison() && e.Op != logical.OpNullSafeEq) {
				strict(e.Left)
				strict(e.Right)
			}
		case *logical.UnaryExpr:
			if e.Op == logical.OpNeg || e.Op == logical.OpNot {
				strict(e.Input)
			}
		case *logical.CastExpr:
			strict(e.Input)
		}
	}
	switch e := c.(type) {
	case *logical.BinaryExpr:
		if e.Op.IsComparison() && e.Op != logical.OpNullSafeEq {
			strict(e.Left)
			strict(e.Right)
		}
	case *logical.LikeExpr:
		strict(e.Input)
		strict(e.Pattern)
	case *logical.InListExpr:
		strict(e.Input)
	case *logical.UnaryExpr:
		if e.Op == logical.OpIsNotNull || e.Op == logical.OpIsTrue {
			strict(e.Input)
		}
	}
	return out
}

// replaceSubqueries joins input with every subquery in e and returns e with
// the subqueries replaced by expressions over the joined columns.
func (d *decorrelator) replaceSubqueries(e logical.Expr, input logical.Node, innerOK map[*logical.SubqueryExpr]bool) (logical.Expr, logical.Node, error) {
	var err error
	out := logical.Transform(e, func(x logical.Expr) logical.Expr {
		sq, ok := x.(*logical.SubqueryExpr)
		if !ok || err != nil {
			return x
		}
		var v logical.Expr
		if sq.Kind == logical.SubqueryScalar {
			v, input, err = d.scalarJoin(input, sq, innerOK[sq])
		} else {
			v, input, err = d.markJoin(input, sq)
		}
		if err != nil {
			return x
		}
		return v
	})
	return out, input, err
}

// prepare decorrelates a subquery's own subqueries and returns its plan and
// the outer columns it reads.
func (d *decorrelator) prepare(sq *logical.SubqueryExpr) (logical.Node, map[logical.ColumnID]bool, error) {
	sub, err := d.plan(sq.Plan)
	if err != nil {
		return nil, nil, err
	}
	if len(sub.Schema()) == 0 {
		return nil, nil, fmt.Errorf("unsupported subquery: %s has no columns", sq)
	}
	return sub, logical.OuterColumns(sub), nil
}

// scalarJoin joins input with a scalar subquery and returns its value.
func (d *decorrelator) scalarJoin(input logical.Node, sq *logical.SubqueryExpr, innerOK bool) (logical.Expr, logical.Node, error) {
	sub, outer, err := d.prepare(sq)
	if err != nil {
		return nil, nil, err
	}
	if len(outer) == 0 {
		value := logical.Expr(sub.Schema()[0].Ref())
		if exactlyOneRow(sub) {
			return value, &logical.Join{Left: input, Right: sub, Kind: logical.JoinInner}, nil
		}
		kind := logical.JoinLeft // no row: NULL
		if innerOK {
			kind = logical.JoinInner
		}
		if !atMostOneRow(sub) {
			sub = &logical.EnforceSingleRow{Input: sub}
		}
		return value, &logical.Join{Left: input, Right: sub, Kind: kind}, nil
	}
	// The select list is evaluated above the join, over the aggregate's
	// columns, so that COUNT over no rows can be patched to 0 first.
	value, core := peelProjects(sub)
	d.countCols = map[logical.ColumnID]bool{}
	d.domainSrc = input
	single := oneRowPerOuterRow(core)
	core, preds, err := d.pullUpAll(core, outer, sq)
	if err != nil {
		return nil, nil, err
	}
	fix := map[logical.ColumnID]logical.Expr{}
	for id := range d.countCols {
		for _, c := range core.Schema() {
			if c.ID == id {
				fix[id] = &logical.FuncCall{Name: "coalesce", Args: []logical.Expr{c.Ref(), &logical.Literal{Value: int64(0), Typ: c.Type}}, Typ: c.Type}
			}
		}
	}
	kind := logical.JoinLeft
	if innerOK && !logical.ReferencesAny(value, d.countCols) {
		kind = logical.JoinInner
	}
	value = logical.SubstituteColumns(value, fix)
	if !single {
		// The subquery may give an outer row several rows, which must fail
		// rather than duplicate the row: evaluate it per distinct outer
		// value, check one row per value, and join that back.
		used := map[logical.ColumnID]bool{}
		for _, p := range preds {
			for id := range logical.ColumnsUsed(p) {
				if outer[id] {
					used[id] = true
				}
			}
		}
		if dom, outerCols, domCols, ok := d.domain(used); ok {
			j := &logical.Join{Left: dom, Right: core, Kind: logical.JoinInner, Condition: logical.Conjunction(substituteDomain(preds, outerCols, domCols))}
			keys := make([]logical.ColumnID, len(domCols))
			var back []logical.Expr
			for i, c := range domCols {
				keys[i] = c.ID
				back = append(back, domainEq(outerCols[i], c, preds))
			}
			checked := &logical.EnforceSingleRow{Input: j, Keys: keys}
			return value, &logical.Join{Left: input, Right: checked, Kind: kind, Condition: logical.Conjunction(back)}, nil
		}
	}
	return value, &logical.Join{Left: input, Right: core, Kind: kind, Condition: logical.Conjunction(preds)}, nil
}

// semiJoin turns a conjunct-level [NOT] EXISTS / [NOT] IN into a semi or anti join.
func (d *decorrelator) semiJoin(input logical.Node, sq *logical.SubqueryExpr, negated bool) (logical.Node, error) {
	core, preds, value, err := d.matchSide(input, sq)
	if err != nil {
		return nil, err
	}
	if core == nil { // EXISTS over a scalar aggregate: always true
		if negated {
			return &logical.Filter{Input: input, Predicate: logical.FalseLiteral()}, nil
		}
		return input, nil
	}
	if sq.Kind == logical.SubqueryExists {
		kind := logical.JoinSemi
		if negated {
			kind = logical.JoinAnti
		}
		return &logical.Join{Left: input, Right: core, Kind: kind, Condition: logical.Conjunction(preds)}, nil
	}
	eq := &logical.BinaryExpr{Op: logical.OpEq, Left: sq.Input, Right: value, Typ: logical.Bool}
	cond := logical.Conjunction(append([]logical.Expr{eq}, preds...))
	kind := logical.JoinSemi
	if negated {
		kind = logical.JoinAntiNullAware
		if !mayBeNull(sq.Input, input.Schema()) && !mayBeNull(value, core.Schema()) {
			kind = logical.JoinAnti
		} else if len(preds) > 0 {
			// Correlated NOT IN: the NULL rule applies to each outer row's
			// own subquery result, which JoinAntiNullAware cannot see. In a
			// filter, x NOT IN (S) holds exactly when no row of S has
			// x = v, v NULL or x NULL: an anti join on that disjunction.
			match := disjunction(inMatchOrNull(sq.Input, value, input.Schema(), core.Schema()))
			cond = logical.Conjunction(append([]logical.Expr{match}, preds...))
			kind = logical.JoinAnti
		}
	}
	return &logical.Join{Left: input, Right: core, Kind: kind, Condition: cond}, nil
}

// inMatchOrNull returns the disjuncts of "x = v OR v IS NULL OR x IS NULL",
// leaving out the IS NULL tests of values that cannot be NULL.
func inMatchOrNull(x, v logical.Expr, outer, inner []logical.Column) []logical.Expr {
	out := []logical.Expr{&logical.BinaryExpr{Op: logical.OpEq, Left: x, Right: v, Typ: logical.Bool}}
	out = append(out, nullTests(x, v, outer, inner)...)
	return out
}

// nullTests returns "v IS NULL" and "x IS NULL" for those that may be NULL.
func nullTests(x, v logical.Expr, outer, inner []logical.Column) []logical.Expr {
	var out []logical.Expr
	if mayBeNull(v, inner) {
		out = append(out, &logical.UnaryExpr{Op: logical.OpIsNull, Input: v, Typ: logical.Bool})
	}
	if mayBeNull(x, outer) {
		out = append(out, &logical.UnaryExpr{Op: logical.OpIsNull, Input: x, Typ: logical.Bool})
	}
	return out
}

// markJoin turns EXISTS/IN in a general expression into a LeftMark join and
// returns the boolean that replaces the subquery.
func (d *decorrelator) markJoin(input logical.Node, sq *logical.SubqueryExpr) (logical.Expr, logical.Node, error) {
	core, preds, value, err := d.matchSide(input, sq)
	if err != nil {
		return nil, nil, err
	}
	if core == nil {
		return &logical.Literal{Value: !sq.Negated, Typ: logical.Bool}, input, nil
	}
	mark := logical.Column{ID: d.ids.Next(), Name: "mark", Type: logical.Bool, Nullable: true}
	var cond logical.Expr
	var out logical.Expr = mark.Ref()
	if sq.Kind == logical.SubqueryExists {
		cond = logical.Conjunction(preds)
		// EXISTS is never NULL, whatever the mark says about NULL comparisons.
		op := logical.OpIsTrue
		if sq.Negated {
			op = logical.OpIsNotTrue
		}
		out = &logical.UnaryExpr{Op: op, Input: out, Typ: logical.Bool}
	} else if nulls := nullTests(sq.Input, value, input.Schema(), core.Schema()); len(preds) > 0 && len(nulls) > 0 {
		// Correlated IN whose values may be NULL: the mark's NULL must come
		// from the outer row's own subquery result. Two EXISTS marks, one
		// for a match and one for a NULL comparison, give
		// CASE WHEN match THEN TRUE WHEN null THEN NULL ELSE FALSE END.
		eq := &logical.BinaryExpr{Op: logical.OpEq, Left: sq.Input, Right: value, Typ: logical.Bool}
		m1 := logical.Column{ID: d.ids.Next(), Name: "mark", Type: logical.Bool, Nullable: true}
		j1 := &logical.Join{Left: input, Right: core, Kind: logical.JoinLeftMark, Condition: logical.Conjunction(append([]logical.Expr{eq}, preds...)), MarkColumn: m1}
		m2 := logical.Column{ID: d.ids.Next(), Name: "mark", Type: logical.Bool, Nullable: true}
		j2 := &logical.Join{Left: j1, Right: core, Kind: logical.JoinLeftMark, Condition: logical.Conjunction(append([]logical.Expr{disjunction(nulls)}, preds...)), MarkColumn: m2}
		var in logical.Expr = &logical.CaseExpr{
			Whens: []logical.Expr{
				&logical.UnaryExpr{Op: logical.OpIsTrue, Input: m1.Ref(), Typ: logical.Bool},
				&logical.UnaryExpr{Op: logical.OpIsTrue, Input: m2.Ref(), Typ: logical.Bool},
			},
			Thens: []logical.Expr{logical.TrueLiteral(), &logical.Literal{Value: nil, Typ: logical.Bool}},
			Else:  logical.FalseLiteral(),
			Typ:   logical.Bool,
		}
		if sq.Negated {
			in = &logical.UnaryExpr{Op: logical.OpNot, Input: in, Typ: logical.Bool}
		}
		return in, j2, nil
	} else {
		eq := &logical.BinaryExpr{Op: logical.OpEq, Left: sq.Input, Right: value, Typ: logical.Bool}
		cond = logical.Conjunction(append([]logical.Expr{eq}, preds...))
		if sq.Negated {
			out = &logical.UnaryExpr{Op: logical.OpNot, Input: out, Typ: logical.Bool}
		}
	}
	j := &logical.Join{Left: input, Right: core, Kind: logical.JoinLeftMark, Condition: cond, MarkColumn: mark}
	return out, j, nil
}

// matchSide prepares the right side of a semi/anti/mark join for an EXISTS or
// IN subquery: the decorrelated plan without its correlated predicates, those
// predicates, and for IN the compared value. core is nil when an EXISTS
// subquery always returns a row.
func (d *decorrelator) matchSide(input logical.Node, sq *logical.SubqueryExpr) (core logical.Node, preds []logical.Expr, value logical.Expr, err error) {
	sub, outer, err := d.prepare(sq)
	if err != nil {
		return nil, nil, nil, err
	}
	d.domainSrc = input
	if sq.Kind == logical.SubqueryExists {
		// The select list and ORDER BY do not matter to EXISTS, nor does a
		// LIMIT that keeps at least one row.
		core = sub
		for {
			switch n := core.(type) {
			case *logical.Project:
				core = n.Input
				continue
			case *logical.Sort:
				core = n.Input
				continue
			case *logical.Limit:
				if n.Offset == 0 && n.Count != 0 {
					core = n.Input
					continue
				}
			}
			break
		}
		if a, ok := core.(*logical.Aggregate); ok && len(a.GroupBy) == 0 {
			return nil, nil, nil, nil
		}
		if len(outer) == 0 {
			// Whether any row exists is all that matters: read one.
			return &logical.Limit{Input: core, Count: 1}, nil, nil, nil
		}
		core, preds, err = d.pullUpAll(core, outer, sq)
		return core, preds, nil, err
	}
	if len(outer) == 0 {
		return sub, nil, sub.Schema()[0].Ref(), nil
	}
	value, core = peelProjects(sub)
	d.countCols = map[logical.ColumnID]bool{}
	core, preds, err = d.pullUpAll(core, outer, sq)
	if err == nil && logical.ReferencesAny(value, d.countCols) {
		err = fmt.Errorf("unsupported correlated subquery: %s compares a COUNT of a correlated aggregate", sq)
	}
	return core, preds, value, err
}

// peelProjects strips the Projects at the top of a subquery plan and returns
// its first output column as an expression over the columns of what remains.
func peelProjects(n logical.Node) (logical.Expr, logical.Node) {
	value := logical.Expr(n.Schema()[0].Ref())
	for {
		p, ok := n.(*logical.Project)
		if !ok {
			return value, n
		}
		m := make(map[logical.ColumnID]logical.Expr, len(p.Exprs))
		for i, c := range p.Columns {
			m[c.ID] = p.Exprs[i]
		}
		value = logical.SubstituteColumns(value, m)
		n = p.Input
	}
}

// exactlyOneRow reports whether n always produces exactly one row.
func exactlyOneRow(n logical.Node) bool {
	switch n := n.(type) {
	case *logical.Aggregate:
		return len(n.GroupBy) == 0
	case *logical.Project:
		return exactlyOneRow(n.Input)
	case *logical.Sort:
		return exactlyOneRow(n.Input)
	case *logical.Values:
		return len(n.Rows) == 1
	}
	return false
}

// oneRowPerOuterRow reports whether a correlated scalar subquery plan
// (before its correlation is pulled up) gives each outer row at most one
// row: an aggregate without GROUP BY (grouped by the correlation alone once
// decorrelated), or a plan with at most one row.
func oneRowPerOuterRow(n logical.Node) bool {
	for {
		switch m := n.(type) {
		case *logical.Sort:
			n = m.Input
			continue
		case *logical.Project:
			n = m.Input
			continue
		case *logical.Aggregate:
			return len(m.GroupBy) == 0
		}
		return atMostOneRow(n)
	}
}

// atMostOneRow reports whether n never produces more than one row.
func atMostOneRow(n logical.Node) bool {
	if exactlyOneRow(n) {
		return true
	}
	switch n := n.(type) {
	case *logical.EnforceSingleRow:
		return true
	case *logical.Limit:
		return n.Count >= 0 && n.Count <= 1 || atMostOneRow(n.Input)
	case *logical.Project:
		return atMostOneRow(n.Input)
	case *logical.Sort:
		return atMostOneRow(n.Input)
	case *logical.Filter:
		return atMostOneRow(n.Input)
	case *logical.Values:
		return len(n.Rows) <= 1
	}
	return false
}

// mayBeNull conservatively reports whether e can be NULL; column nullability
// comes from schema when the column is listed there.
func mayBeNull(e logical.Expr, schema []logical.Column) bool {
	switch e := e.(type) {
	case *logical.ColumnRef:
		for _, c := range schema {
			if c.ID == e.ID {
				return c.Nullable
			}
		}
		return e.Nullable
	case *logical.Literal:
		return e.Value == nil
	case *logical.BinaryExpr:
		switch e.Op {
		case logical.OpDiv, logical.OpIntDiv, logical.OpMod: // division by zero is NULL
			return true
		}
		return mayBeNull(e.Left, schema) || mayBeNull(e.Right, schema)
	case *logical.UnaryExpr:
		switch e.Op {
		case logical.OpNot, logical.OpNeg:
			return mayBeNull(e.Input, schema)
		}
		return false
	}
	return true
}

// pullUpAll pulls every correlated predicate out of a subquery plan and
// checks that nothing correlated is left behind.
func (d *decorrelator) pullUpAll(n logical.Node, outer map[logical.ColumnID]bool, sq *logical.SubqueryExpr) (logical.Node, []logical.Expr, error) {
	out, preds, err := d.pullUp(n, outer)
	if err != nil {
		return nil, nil, fmt.Errorf("unsupported correlated subquery: %s: %w", sq, err)
	}
	if d.refsOuterOutsideDomains(out, outer) {
		return nil, nil, fmt.Errorf("unsupported correlated subquery: %s: outer columns are referenced where they cannot be pulled up", sq)
	}
	return out, preds, nil
}

// refsOuterOutsideDomains is refsOuter that does not look into the domains
// built from the outer input (which read the outer columns legitimately).
func (d *decorrelator) refsOuterOutsideDomains(n logical.Node, outer map[logical.ColumnID]bool) bool {
	if d.domains[n] {
		return false
	}
	for _, e := range logical.NodeExprs(n) {
		if logical.ReferencesAny(e, outer) {
			return true
		}
		for id := range logical.OuterColumns(&logical.Filter{Input: &logical.Values{}, Predicate: e}) {
			if outer[id] {
				return true
			}
		}
	}
	for _, c := range n.Children() {
		if d.refsOuterOutsideDomains(c, outer) {
			return true
		}
	}
	return false
}

func refsOuter(n logical.Node, outer map[logical.ColumnID]bool) bool {
	for id := range logical.ReferencedColumns(n) {
		if outer[id] {
			return true
		}
	}
	return false
}

// pullUp removes the predicates that reference outer columns from n and
// returns them, rewritten to read columns of the returned node. Nodes between
// a predicate and the root pass the columns it needs through; an aggregate
// groups by the inner sides of correlated equalities.
func (d *decorrelator) pullUp(n logical.Node, outer map[logical.ColumnID]bool) (logical.Node, []logical.Expr, error) {
	if !refsOuter(n, outer) {
		return n, nil, nil
	}
	exprsRefOuter := func(n logical.Node) bool {
		for _, e := range logical.NodeExprs(n) {
			if logical.ReferencesAny(e, outer) {
				return true
			}
		}
		return false
	}
	switch n := n.(type) {
	case *logical.Filter:
		in, preds, err := d.pullUp(n.Input, outer)
		if err != nil {
			return nil, nil, err
		}
		var keep []logical.Expr
		for _, c := range logical.SplitConjuncts(n.Predicate) {
			if logical.ReferencesAny(c, outer) {
				preds = append(preds, c)
			} else {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			return in, preds, nil
		}
		return &logical.Filter{Input: in, Predicate: logical.Conjunction(keep)}, preds, nil

	case *logical.Scan:
		var keep, preds []logical.Expr
		for _, c := range n.Filters {
			if logical.ReferencesAny(c, outer) {
				preds = append(preds, c)
			} else {
				keep = append(keep, c)
			}
		}
		s := *n
		s.Filters = keep
		return &s, preds, nil

	case *logical.Project:
		if exprsRefOuter(n) {
			return nil, nil, fmt.Errorf("outer column in a derived table's select list")
		}
		in, preds, err := d.pullUp(n.Input, outer)
		if err != nil {
			return nil, nil, err
		}
		return passThrough(n, in, preds, outer)

	case *logical.Sort:
		if exprsRefOuter(n) {
			return nil, nil, fmt.Errorf("outer column in ORDER BY")
		}
		in, preds, err := d.pullUp(n.Input, outer)
		if err != nil {
			return nil, nil, err
		}
		return n.WithChildren([]logical.Node{in}), preds, nil

	case *logical.Aggregate:
		if exprsRefOuter(n) {
			return nil, nil, fmt.Errorf("outer column in an aggregate")
		}
		in, preds, err := d.pullUp(n.Input, outer)
		if err != nil {
			return nil, nil, err
		}
		return d.groupByCorrelation(n, in, preds, outer)

	case *logical.Join:
		switch n.Kind {
		case logical.JoinInner:
			l, lp, err := d.pullUp(n.Left, outer)
			if err != nil {
				return nil, nil, err
			}
			r, rp, err := d.pullUp(n.Right, outer)
			if err != nil {
				return nil, nil, err
			}
			preds := append(lp, rp...)
			var keep []logical.Expr
			for _, c := range logical.SplitConjuncts(n.Condition) {
				if logical.ReferencesAny(c, outer) {
					preds = append(preds, c)
				} else {
					keep = append(keep, c)
				}
			}
			return &logical.Join{Left: l, Right: r, Kind: n.Kind, Condition: logical.Conjunction(keep)}, preds, nil
		case logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinAntiNullAware, logical.JoinLeftMark:
			// Only the preserved (left) side may be correlated: pulling a
			// predicate out of the right side would change which rows match.
			if exprsRefOuter(n) || refsOuter(n.Right, outer) {
				return nil, nil, fmt.Errorf("outer column in the inner side or condition of a %s join", n.Kind)
			}
			l, lp, err := d.pullUp(n.Left, outer)
			if err != nil {
				return nil, nil, err
			}
			return n.WithChildren([]logical.Node{l, n.Right}), lp, nil
		}
	}
	return nil, nil, fmt.Errorf("outer column below %s", n.String())
}

// passThrough makes a Project output the columns the pulled-up predicates read.
func passThrough(p *logical.Project, in logical.Node, preds []logical.Expr, outer map[logical.ColumnID]bool) (logical.Node, []logical.Expr, error) {
	have := logical.ColumnIDs(p.Columns)
	exprs := append([]logical.Expr(nil), p.Exprs...)
	cols := append([]logical.Column(nil), p.Columns...)
	for _, pred := range preds {
		for id := range logical.ColumnsUsed(pred) {
			if outer[id] || have[id] {
				continue
			}
			found := false
			for _, c := range in.Schema() {
				if c.ID == id {
					exprs = append(exprs, c.Ref())
					cols = append(cols, c)
					have[id] = true
					found = true
					break
				}
			}
			if !found {
				return nil, nil, fmt.Errorf("column #%d of a correlated predicate is not visible", id)
			}
		}
	}
	return &logical.Project{Input: in, Exprs: exprs, Columns: cols}, preds, nil
}

// groupByCorrelation lifts correlated equalities over an aggregate: the
// aggregate is additionally grouped by their inner sides, so that joining on
// them gives each outer row the aggregate over its own matching rows.
func (d *decorrelator) groupByCorrelation(a *logical.Aggregate, in logical.Node, preds []logical.Expr, outer map[logical.ColumnID]bool) (logical.Node, []logical.Expr, error) {
	if len(preds) == 0 {
		return a.WithChildren([]logical.Node{in}), nil, nil
	}
	m := *a
	m.Input = in
	m.GroupBy = append([]logical.Expr(nil), a.GroupBy...)
	m.GroupColumns = append([]logical.Column(nil), a.GroupColumns...)
	for _, p := range preds {
		if !isCorrelationEquality(p, outer) {
			return d.domainAggregate(a, in, preds, outer)
		}
	}
	out := make([]logical.Expr, len(preds))
	for i, p := range preds {
		b := p.(*logical.BinaryExpr)
		innerLeft := !logical.ReferencesAny(b.Left, outer) && logical.ReferencesOnly(b.Right, outer)
		innerRight := !innerLeft
		inner := b.Left
		if innerRight {
			inner = b.Right
		}
		var col logical.Column
		found := false
		for j, g := range m.GroupBy {
			if g.String() == inner.String() {
				col, found = m.GroupColumns[j], true
				break
			}
		}
		if !found {
			col = logical.Column{ID: d.ids.Next(), Name: "corr", Type: inner.Type(), Nullable: true}
			if r, ok := inner.(*logical.ColumnRef); ok {
				col.Name, col.Nullable = r.Name, r.Nullable
			}
			m.GroupBy = append(m.GroupBy, inner)
			m.GroupColumns = append(m.GroupColumns, col)
		}
		nb := *b
		if innerLeft {
			nb.Left = col.Ref()
		} else {
			nb.Right = col.Ref()
		}
		out[i] = &nb
	}
	d.noteCounts(a)
	return &m, out, nil
}

// noteCounts records the COUNT columns of a scalar aggregate that became a
// grouped one: an outer row without a group must see 0 there, not NULL.
func (d *decorrelator) noteCounts(a *logical.Aggregate) {
	if len(a.GroupBy) != 0 {
		return
	}
	if d.countCols == nil {
		d.countCols = map[logical.ColumnID]bool{}
	}
	for j, agg := range a.Aggs {
		if agg.Func == logical.AggCount || agg.Func == logical.AggCountStar {
			d.countCols[a.AggColumns[j].ID] = true
		}
	}
}

// isCorrelationEquality reports whether p is "inner = outer" (or <=>) with
// one side reading only inner columns and the other only outer ones.
func isCorrelationEquality(p logical.Expr, outer map[logical.ColumnID]bool) bool {
	b, ok := p.(*logical.BinaryExpr)
	if !ok || (b.Op != logical.OpEq && b.Op != logical.OpNullSafeEq) {
		return false
	}
	innerLeft := !logical.ReferencesAny(b.Left, outer) && logical.ReferencesOnly(b.Right, outer)
	innerRight := !logical.ReferencesAny(b.Right, outer) && logical.ReferencesOnly(b.Left, outer)
	return innerLeft || innerRight
}

// domainAggregate handles an aggregate below which the correlation is not
// a set of equalities (x.b < t.b, x.b = t.b + t.c, ...), the "magic set" way:
// the domain D of the distinct outer values the predicates read is computed
// from the outer input, joined to the aggregate's input with the predicates
// as the join condition, and the aggregate is grouped by D's columns too.
// What is pulled up is then "outer <=> domain column" for each of them.
func (d *decorrelator) domainAggregate(a *logical.Aggregate, in logical.Node, preds []logical.Expr, outer map[logical.ColumnID]bool) (logical.Node, []logical.Expr, error) {
	if d.domainSrc == nil {
		return nil, nil, fmt.Errorf("non-equality correlation below an aggregate without an outer input")
	}
	used := map[logical.ColumnID]bool{}
	for _, p := range preds {
		for id := range logical.ColumnsUsed(p) {
			if outer[id] {
				used[id] = true
			}
		}
	}
	dom, outerCols, domCols, ok := d.domain(used)
	if !ok {
		return nil, nil, fmt.Errorf("non-equality correlation with a column of an enclosing query below an aggregate")
	}
	m := *a
	m.GroupBy = append([]logical.Expr(nil), a.GroupBy...)
	m.GroupColumns = append([]logical.Column(nil), a.GroupColumns...)
	var out []logical.Expr
	for i, c := range outerCols {
		gc := logical.Column{ID: d.ids.Next(), Name: c.Name, Type: c.Type, Nullable: c.Nullable}
		m.GroupBy = append(m.GroupBy, domCols[i].Ref())
		m.GroupColumns = append(m.GroupColumns, gc)
		out = append(out, domainEq(c, gc, preds))
	}
	m.Input = &logical.Join{Left: dom, Right: in, Kind: logical.JoinInner, Condition: logical.Conjunction(substituteDomain(preds, outerCols, domCols))}
	d.noteCounts(a)
	return &m, out, nil
}

// domain builds the distinct values of the outer columns in used, read from
// the outer input; ok is false when some of them are not its columns.
func (d *decorrelator) domain(used map[logical.ColumnID]bool) (dom logical.Node, outerCols, domCols []logical.Column, ok bool) {
	if d.domainSrc == nil {
		return nil, nil, nil, false
	}
	agg := &logical.Aggregate{Input: d.domainSrc}
	n := 0
	for _, c := range d.domainSrc.Schema() { // schema order: deterministic
		if !used[c.ID] {
			continue
		}
		n++
		dc := logical.Column{ID: d.ids.Next(), Name: c.Name, Type: c.Type, Nullable: c.Nullable}
		agg.GroupBy = append(agg.GroupBy, c.Ref())
		agg.GroupColumns = append(agg.GroupColumns, dc)
		outerCols = append(outerCols, c)
		domCols = append(domCols, dc)
	}
	if n != len(used) {
		return nil, nil, nil, false
	}
	if d.domains == nil {
		d.domains = map[logical.Node]bool{}
	}
	d.domains[agg] = true
	return agg, outerCols, domCols, true
}

// domainEq matches an outer column with its domain value: NULL with NULL
// (<=>, which only a nested loop join evaluates), unless the correlated
// predicates are never true for a NULL there: then an outer row with NULL
// sees the subquery over no rows, which is what no match gives, and a plain
// equality (a hash join key) will do.
func domainEq(outer, dom logical.Column, preds []logical.Expr) logical.Expr {
	op := logical.OpEq
	if outer.Nullable && !nullRejects(preds, outer.ID) {
		op = logical.OpNullSafeEq
	}
	return &logical.BinaryExpr{Op: op, Left: outer.Ref(), Right: dom.Ref(), Typ: logical.Bool}
}

// nullRejects reports whether some conjunct of preds is never true when
// column id is NULL.
func nullRejects(preds []logical.Expr, id logical.ColumnID) bool {
	var strict func(e logical.Expr) bool // NULL whenever id is NULL
	strict = func(e logical.Expr) bool {
		switch e := e.(type) {
		case *logical.ColumnRef:
			return e.ID == id
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
	for _, p := range preds {
		for _, c := range logical.SplitConjuncts(p) {
			if b, ok := c.(*logical.BinaryExpr); ok && b.Op.IsComparison() && b.Op != logical.OpNullSafeEq && strict(b) {
				return true
			}
		}
	}
	return false
}

// substituteDomain rewrites predicates over outer columns to read the domain.
func substituteDomain(preds []logical.Expr, outerCols, domCols []logical.Column) []logical.Expr {
	subst := map[logical.ColumnID]logical.Expr{}
	for i, c := range outerCols {
		subst[c.ID] = domCols[i].Ref()
	}
	out := make([]logical.Expr, len(preds))
	for i, p := range preds {
		out[i] = logical.SubstituteColumns(p, subst)
	}
	return out
}
