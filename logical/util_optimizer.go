package logical

// Generic helpers used by the optimizer rules: walking the expressions of a
// node, rewriting them, and computing which columns a subtree reads and
// produces.

// NodeExprs returns the expressions a node itself evaluates (not those of its
// inputs), in a fixed order matching MapExprs.
func NodeExprs(n Node) []Expr {
	var out []Expr
	switch n := n.(type) {
	case *Scan:
		out = append(out, n.Filters...)
	case *Filter:
		out = append(out, n.Predicate)
	case *Project:
		out = append(out, n.Exprs...)
	case *Join:
		if n.Condition != nil {
			out = append(out, n.Condition)
		}
	case *Aggregate:
		out = append(out, n.GroupBy...)
		for _, a := range n.Aggs {
			out = append(out, a)
		}
	case *Sort:
		for _, k := range n.Keys {
			out = append(out, k.Expr)
		}
	case *Values:
		for _, r := range n.Rows {
			out = append(out, r...)
		}
	}
	return out
}

// MapExprs returns a copy of n with every expression e that NodeExprs lists
// replaced by f(e); it returns n itself when f changed nothing. For an
// Aggregate, f must map an *AggregateExpr to an *AggregateExpr (otherwise the
// aggregate is kept unchanged).
func MapExprs(n Node, f func(Expr) Expr) Node {
	mapList := func(es []Expr) ([]Expr, bool) {
		changed := false
		out := make([]Expr, len(es))
		for i, e := range es {
			out[i] = f(e)
			if out[i] != e {
				changed = true
			}
		}
		return out, changed
	}
	switch n := n.(type) {
	case *Scan:
		if fs, ok := mapList(n.Filters); ok {
			m := *n
			m.Filters = fs
			return &m
		}
	case *Filter:
		if p := f(n.Predicate); p != n.Predicate {
			m := *n
			m.Predicate = p
			return &m
		}
	case *Project:
		if es, ok := mapList(n.Exprs); ok {
			m := *n
			m.Exprs = es
			return &m
		}
	case *Join:
		if n.Condition != nil {
			if c := f(n.Condition); c != n.Condition {
				m := *n
				m.Condition = c
				return &m
			}
		}
	case *Aggregate:
		gs, changed := mapList(n.GroupBy)
		aggs := make([]*AggregateExpr, len(n.Aggs))
		for i, a := range n.Aggs {
			aggs[i] = a
			if na, ok := f(a).(*AggregateExpr); ok && na != a {
				aggs[i] = na
				changed = true
			}
		}
		if changed {
			m := *n
			m.GroupBy, m.Aggs = gs, aggs
			return &m
		}
	case *Sort:
		changed := false
		keys := make([]SortKey, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = k
			if e := f(k.Expr); e != k.Expr {
				keys[i].Expr = e
				changed = true
			}
		}
		if changed {
			m := *n
			m.Keys = keys
			return &m
		}
	case *Values:
		changed := false
		rows := make([][]Expr, len(n.Rows))
		for i, r := range n.Rows {
			var ok bool
			rows[i], ok = mapList(r)
			changed = changed || ok
		}
		if changed {
			m := *n
			m.Rows = rows
			return &m
		}
	}
	return n
}

// WalkPlan visits n and its inputs pre-order. It does not enter subquery plans.
func WalkPlan(n Node, f func(Node)) {
	f(n)
	for _, c := range n.Children() {
		WalkPlan(c, f)
	}
}

// ReferencedColumns returns every ColumnID read by an expression anywhere in
// the subtree, including inside the plans of subqueries it contains.
func ReferencedColumns(n Node) map[ColumnID]bool {
	out := map[ColumnID]bool{}
	var visitNode func(Node)
	visitExpr := func(e Expr) {
		Walk(e, func(x Expr) bool {
			switch x := x.(type) {
			case *ColumnRef:
				out[x.ID] = true
			case *SubqueryExpr:
				visitNode(x.Plan)
			}
			return true
		})
	}
	visitNode = func(n Node) {
		WalkPlan(n, func(m Node) {
			for _, e := range NodeExprs(m) {
				visitExpr(e)
			}
		})
	}
	visitNode(n)
	return out
}

// ProducedColumns returns every ColumnID that some node in the subtree
// (including subquery plans) outputs.
func ProducedColumns(n Node) map[ColumnID]bool {
	out := map[ColumnID]bool{}
	var visitNode func(Node)
	visitNode = func(n Node) {
		WalkPlan(n, func(m Node) {
			for _, c := range m.Schema() {
				out[c.ID] = true
			}
			if j, ok := m.(*Join); ok && j.Kind != JoinLeftMark {
				// Semi/anti joins hide the right side's columns from their
				// schema, but the condition still reads them.
				for _, c := range j.Right.Schema() {
					out[c.ID] = true
				}
			}
			for _, e := range NodeExprs(m) {
				Walk(e, func(x Expr) bool {
					if s, ok := x.(*SubqueryExpr); ok {
						visitNode(s.Plan)
					}
					return true
				})
			}
		})
	}
	visitNode(n)
	return out
}

// OuterColumns returns the columns the subtree reads but does not produce:
// for a subquery plan, its correlation with enclosing queries.
func OuterColumns(n Node) map[ColumnID]bool {
	ref := ReferencedColumns(n)
	prod := ProducedColumns(n)
	for id := range prod {
		delete(ref, id)
	}
	return ref
}

// SubstituteColumns replaces each ColumnRef whose ID is a key of m by m's
// expression. Subquery plans are not entered.
func SubstituteColumns(e Expr, m map[ColumnID]Expr) Expr {
	if len(m) == 0 {
		return e
	}
	return Transform(e, func(x Expr) Expr {
		if c, ok := x.(*ColumnRef); ok {
			if r, ok := m[c.ID]; ok {
				return r
			}
		}
		return x
	})
}

// ReferencesAny reports whether e reads any column of set.
func ReferencesAny(e Expr, set map[ColumnID]bool) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColumnRef); ok && set[c.ID] {
			found = true
		}
		return !found
	})
	return found
}

// ReferencesOnly reports whether every column e reads is in set.
func ReferencesOnly(e Expr, set map[ColumnID]bool) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		if c, isRef := x.(*ColumnRef); isRef && !set[c.ID] {
			ok = false
		}
		return ok
	})
	return ok
}

// HasAggregate reports whether e contains an AggregateExpr.
func HasAggregate(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*AggregateExpr); ok {
			found = true
		}
		return !found
	})
	return found
}

// PlanHasSubquery reports whether any expression in the subtree contains a SubqueryExpr.
func PlanHasSubquery(n Node) bool {
	found := false
	WalkPlan(n, func(m Node) {
		for _, e := range NodeExprs(m) {
			if HasSubquery(e) {
				found = true
			}
		}
	})
	return found
}

// TrueLiteral and FalseLiteral are the BOOLEAN constants.
func TrueLiteral() *Literal  { return &Literal{Value: true, Typ: Bool} }
func FalseLiteral() *Literal { return &Literal{Value: false, Typ: Bool} }

// SameSchema reports whether a and b list the same column IDs in the same order.
func SameSchema(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			return false
		}
	}
	return true
}

// ProjectColumns returns a Project over input that outputs exactly cols (by
// ID, passing them through), or input itself when it already does.
func ProjectColumns(input Node, cols []Column) Node {
	if SameSchema(input.Schema(), cols) {
		return input
	}
	in := map[ColumnID]Column{}
	for _, c := range input.Schema() {
		in[c.ID] = c
	}
	exprs := make([]Expr, len(cols))
	out := make([]Column, len(cols))
	for i, c := range cols {
		if ic, ok := in[c.ID]; ok {
			c = ic
		}
		exprs[i] = c.Ref()
		out[i] = c
	}
	return &Project{Input: input, Exprs: exprs, Columns: out}
}
