package optimizer

import (
	"github.com/aloftdb/aloft/logical"
)

// PruneProjections removes columns nobody reads: scans read only the
// required columns (and those their filters read), Projects and Aggregates
// drop unused outputs, joins ask their inputs only for what is required
// above plus what their conditions read, and Projects that merely repeat
// their input disappear. The root keeps its schema.
//
// A node never shrinks to zero columns (except Values): batches without
// columns cannot carry a row count everywhere, so one column is kept.
type PruneProjections struct{}

func (PruneProjections) Name() string { return "prune_projections" }

func (PruneProjections) Rewrite(plan logical.Node, _ *Context) (logical.Node, error) {
	return prune(plan, logical.ColumnIDs(plan.Schema())), nil
}

type idSet = map[logical.ColumnID]bool

func withExprCols(req idSet, es ...logical.Expr) idSet {
	out := make(idSet, len(req))
	for id := range req {
		out[id] = true
	}
	for _, e := range es {
		for id := range logical.ColumnsUsed(e) {
			out[id] = true
		}
	}
	return out
}

// prune returns n producing at least the required columns of its schema.
func prune(n logical.Node, req idSet) logical.Node {
	switch n := n.(type) {
	case *logical.Scan:
		need := withExprCols(req, n.Filters...)
		s := *n
		s.Columns, s.Ordinals = nil, nil
		for i, c := range n.Columns {
			if need[c.ID] {
				s.Columns = append(s.Columns, c)
				s.Ordinals = append(s.Ordinals, n.Ordinals[i])
			}
		}
		if len(s.Columns) == 0 && len(n.Columns) > 0 {
			s.Columns, s.Ordinals = n.Columns[:1], n.Ordinals[:1]
		}
		if len(s.Columns) == len(n.Columns) {
			return n
		}
		return &s

	case *logical.Filter:
		return n.WithChildren([]logical.Node{prune(n.Input, withExprCols(req, n.Predicate))})

	case *logical.Sort:
		keys := make([]logical.Expr, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = k.Expr
		}
		return n.WithChildren([]logical.Node{prune(n.Input, withExprCols(req, keys...))})

	case *logical.Limit:
		return n.WithChildren([]logical.Node{prune(n.Input, req)})

	case *logical.Project:
		p := &logical.Project{}
		for i, c := range n.Columns {
			if req[c.ID] {
				p.Exprs = append(p.Exprs, n.Exprs[i])
				p.Columns = append(p.Columns, c)
			}
		}
		if len(p.Columns) == 0 && len(n.Columns) > 0 {
			p.Exprs, p.Columns = n.Exprs[:1], n.Columns[:1]
		}
		p.Input = prune(n.Input, withExprCols(nil, p.Exprs...))
		if isIdentity(p) {
			return p.Input
		}
		return p

	case *logical.Aggregate:
		a := *n
		a.Aggs, a.AggColumns = nil, nil
		for i, c := range n.AggColumns {
			if req[c.ID] {
				a.Aggs = append(a.Aggs, n.Aggs[i])
				a.AggColumns = append(a.AggColumns, c)
			}
		}
		if len(a.GroupBy) == 0 && len(a.Aggs) == 0 && len(n.Aggs) > 0 {
			a.Aggs, a.AggColumns = n.Aggs[:1], n.AggColumns[:1]
		}
		es := append([]logical.Expr(nil), a.GroupBy...)
		for _, x := range a.Aggs {
			es = append(es, x)
		}
		a.Input = prune(n.Input, withExprCols(nil, es...))
		return &a

	case *logical.Join:
		need := withExprCols(req)
		if n.Condition != nil {
			need = withExprCols(need, n.Condition)
		}
		l := prune(n.Left, need)
		r := prune(n.Right, need)
		return n.WithChildren([]logical.Node{l, r})

	case *logical.UnionAll:
		var keep []int
		for j, c := range n.Columns {
			if req[c.ID] {
				keep = append(keep, j)
			}
		}
		if len(keep) == 0 && len(n.Columns) > 0 {
			keep = []int{0}
		}
		u := &logical.UnionAll{}
		for _, j := range keep {
			u.Columns = append(u.Columns, n.Columns[j])
		}
		for _, in := range n.Inputs {
			schema := in.Schema()
			var cols []logical.Column
			for _, j := range keep {
				cols = append(cols, schema[j])
			}
			// Union inputs are matched by position: each must produce
			// exactly the kept columns, in order.
			u.Inputs = append(u.Inputs, logical.ProjectColumns(prune(in, logical.ColumnIDs(cols)), cols))
		}
		return u

	case *logical.Values:
		v := &logical.Values{}
		var keep []int
		for j, c := range n.Columns {
			if req[c.ID] {
				keep = append(keep, j)
				v.Columns = append(v.Columns, c)
			}
		}
		if len(keep) == len(n.Columns) {
			return n
		}
		for _, row := range n.Rows {
			r := make([]logical.Expr, len(keep))
			for i, j := range keep {
				r[i] = row[j]
			}
			v.Rows = append(v.Rows, r)
		}
		return v
	}
	// Unknown nodes: their inputs keep everything.
	kids := n.Children()
	nk := make([]logical.Node, len(kids))
	for i, k := range kids {
		nk[i] = prune(k, logical.ColumnIDs(k.Schema()))
	}
	if len(kids) == 0 {
		return n
	}
	return n.WithChildren(nk)
}

// isIdentity reports whether p outputs exactly its input's columns, in order.
func isIdentity(p *logical.Project) bool {
	in := p.Input.Schema()
	if len(in) != len(p.Exprs) {
		return false
	}
	for i, e := range p.Exprs {
		r, ok := e.(*logical.ColumnRef)
		if !ok || r.ID != p.Columns[i].ID || in[i].ID != r.ID {
			return false
		}
	}
	return true
}
