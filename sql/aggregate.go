package sql

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

// aggCollector gathers the aggregate calls of one query block. Each call is
// replaced in its expression by a reference to the aggregate's output
// column, so select, HAVING and ORDER BY expressions already read the
// Aggregate node's output where aggregates are concerned.
type aggCollector struct {
	b    *binder
	aggs []*logical.AggregateExpr
	cols []logical.Column
}

// add registers agg (equal calls share one column) and returns a reference
// to its output column.
func (c *aggCollector) add(agg *logical.AggregateExpr, name string) *logical.ColumnRef {
	for i, a := range c.aggs {
		if exprEqual(a, agg) {
			return c.cols[i].Ref()
		}
	}
	col := logical.Column{ID: c.b.ids.Next(), Name: name, Type: agg.Typ, Nullable: agg.Func != logical.AggCount && agg.Func != logical.AggCountStar}
	c.aggs = append(c.aggs, agg)
	c.cols = append(c.cols, col)
	return col.Ref()
}

// uses reports whether e reads an aggregate output column.
func (c *aggCollector) uses(e logical.Expr) bool {
	used := logical.ColumnsUsed(e)
	for _, col := range c.cols {
		if used[col.ID] {
			return true
		}
	}
	return false
}

// aliasSet holds select-list items with an AS name, for MySQL's alias
// references in GROUP BY, HAVING and ORDER BY.
type aliasSet struct{ items []selectItem }

func (s *aliasSet) find(lowerName string) (logical.Expr, bool) {
	if s == nil {
		return nil, false
	}
	for _, it := range s.items {
		if it.alias == lowerName {
			return it.expr, true
		}
	}
	return nil, false
}

// aggRewriter rewrites expressions bound over the FROM columns so that they
// read the Aggregate's output: a subexpression equal to a GROUP BY
// expression becomes a reference to its group column; any other reference
// to a FROM column is an error (not grouped, not aggregated).
type aggRewriter struct {
	groupBy   []logical.Expr
	groupCols []logical.Column
	input     *scope
}

func (r *aggRewriter) rewrite(e logical.Expr) (logical.Expr, error) {
	for i, g := range r.groupBy {
		if exprEqual(e, g) {
			return r.groupCols[i].Ref(), nil
		}
	}
	switch x := e.(type) {
	case *logical.ColumnRef:
		if c, ok := r.input.columnByID(x.ID); ok {
			return nil, errNotGrouped(c.Name)
		}
		// An aggregate output or an outer query's column.
		return x, nil
	case *logical.SubqueryExpr:
		plan, err := r.rewriteSubqueryPlan(x.Plan)
		if err != nil {
			return nil, err
		}
		n := *x
		n.Plan = plan
		if x.Input != nil {
			if n.Input, err = r.rewrite(x.Input); err != nil {
				return nil, err
			}
		}
		return &n, nil
	}
	kids := e.Children()
	if len(kids) == 0 {
		return e, nil
	}
	nk := make([]logical.Expr, len(kids))
	for i, k := range kids {
		var err error
		if nk[i], err = r.rewrite(k); err != nil {
			return nil, err
		}
	}
	return e.WithChildren(nk), nil
}

func errNotGrouped(name string) error {
	return fmt.Errorf("column %q must appear in the GROUP BY clause or be used in an aggregate function", name)
}

// rewriteSubqueryPlan maps the correlated references of a subquery to FROM
// columns of this block onto group columns (only plain grouped columns can
// be referenced from inside a subquery after aggregation).
func (r *aggRewriter) rewriteSubqueryPlan(plan logical.Node) (logical.Node, error) {
	var err error
	out := transformPlanExprs(plan, func(e logical.Expr) logical.Expr {
		ref, ok := e.(*logical.ColumnRef)
		if !ok || err != nil {
			return e
		}
		c, ok := r.input.columnByID(ref.ID)
		if !ok {
			return e
		}
		for i, g := range r.groupBy {
			if gr, ok := g.(*logical.ColumnRef); ok && gr.ID == ref.ID {
				return r.groupCols[i].Ref()
			}
		}
		err = errNotGrouped(c.Name)
		return e
	})
	return out, err
}

// transformPlanExprs applies f bottom-up to every expression of every node of
// plan, including the plans of nested subqueries.
func transformPlanExprs(plan logical.Node, f func(logical.Expr) logical.Expr) logical.Node {
	var fx func(logical.Expr) logical.Expr
	fx = func(e logical.Expr) logical.Expr {
		return logical.Transform(e, func(x logical.Expr) logical.Expr {
			if sq, ok := x.(*logical.SubqueryExpr); ok {
				n := *sq
				n.Plan = transformPlanExprs(sq.Plan, f)
				x = &n
			}
			return f(x)
		})
	}
	exprs := func(es []logical.Expr) []logical.Expr {
		out := make([]logical.Expr, len(es))
		for i, e := range es {
			out[i] = fx(e)
		}
		return out
	}
	out, _ := logical.TransformUp(plan, func(n logical.Node) (logical.Node, error) {
		switch x := n.(type) {
		case *logical.Filter:
			m := *x
			m.Predicate = fx(x.Predicate)
			return &m, nil
		case *logical.Project:
			m := *x
			m.Exprs = exprs(x.Exprs)
			return &m, nil
		case *logical.Join:
			m := *x
			if x.Condition != nil {
				m.Condition = fx(x.Condition)
			}
			return &m, nil
		case *logical.Aggregate:
			m := *x
			m.GroupBy = exprs(x.GroupBy)
			m.Aggs = make([]*logical.AggregateExpr, len(x.Aggs))
			for i, a := range x.Aggs {
				m.Aggs[i] = fx(a).(*logical.AggregateExpr)
			}
			return &m, nil
		case *logical.Sort:
			m := *x
			m.Keys = make([]logical.SortKey, len(x.Keys))
			for i, k := range x.Keys {
				m.Keys[i] = k
				m.Keys[i].Expr = fx(k.Expr)
			}
			return &m, nil
		case *logical.Scan:
			m := *x
			m.Filters = exprs(x.Filters)
			return &m, nil
		case *logical.Values:
			m := *x
			m.Rows = make([][]logical.Expr, len(x.Rows))
			for i, row := range x.Rows {
				m.Rows[i] = exprs(row)
			}
			return &m, nil
		}
		return n, nil
	})
	return out
}

// exprEqual reports whether two bound expressions compute the same value.
// Subqueries are equal only to themselves.
func exprEqual(a, b logical.Expr) bool {
	if a == b {
		return true
	}
	if logical.HasSubquery(a) || logical.HasSubquery(b) {
		return false
	}
	return typeEqual(a.Type(), b.Type()) && a.String() == b.String()
}

func typeEqual(a, b arrow.DataType) bool { return arrow.TypeEqual(a, b) }

// nullable is a conservative answer to "can e be NULL?".
func nullable(e logical.Expr) bool {
	switch x := e.(type) {
	case *logical.ColumnRef:
		return x.Nullable
	case *logical.Literal:
		return x.Value == nil
	case *logical.AggregateExpr:
		return x.Func != logical.AggCount && x.Func != logical.AggCountStar
	case *logical.SubqueryExpr:
		return x.Kind != logical.SubqueryExists
	case *logical.CaseExpr:
		if x.Else == nil {
			return true
		}
		for _, t := range append(append([]logical.Expr(nil), x.Thens...), x.Else) {
			if nullable(t) {
				return true
			}
		}
		return false
	case *logical.UnaryExpr:
		switch x.Op {
		case logical.OpIsNull, logical.OpIsNotNull, logical.OpIsTrue, logical.OpIsFalse, logical.OpIsNotTrue, logical.OpIsNotFalse:
			return false
		}
	case *logical.BinaryExpr:
		switch x.Op {
		case logical.OpDiv, logical.OpIntDiv, logical.OpMod:
			return true // division by zero is NULL (MySQL)
		case logical.OpNullSafeEq:
			return false
		}
	case *logical.CastExpr:
		if logical.IsString(x.Input.Type()) && !logical.IsString(x.Typ) {
			return true // a failed conversion from text is NULL
		}
	case *logical.FuncCall:
		switch x.Name {
		case "coalesce":
			for _, a := range x.Args {
				if !nullable(a) {
					return false
				}
			}
			return true
		case "nullif", "if":
			return true
		}
	}
	for _, k := range e.Children() {
		if nullable(k) {
			return true
		}
	}
	return false
}
