package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/aloftdb/aloft/logical"
)

// selectItem is one output column of a SELECT before projection.
type selectItem struct {
	expr  logical.Expr
	name  string
	alias string // the AS name, lower case; "" when none
}

// bindSelect builds, bottom-up:
//
//	FROM → Filter(WHERE) → [Aggregate → Filter(HAVING)] → Project(select list +
//	hidden ORDER BY columns) → [Aggregate (DISTINCT)] → Sort → Limit → [Project]
func (b *binder) bindSelect(sel *ast.SelectStmt, outer *scope, ctes *cteEnv) (logical.Node, error) {
	ctes, err := withClause(sel.With, ctes)
	if err != nil {
		return nil, err
	}
	if sel.Kind != ast.SelectStmtKindSelect {
		return nil, fmt.Errorf("unsupported query form %s", sel.Kind.String())
	}
	if len(sel.WindowSpecs) > 0 {
		return nil, errors.New("window functions are not supported")
	}
	if sel.GroupBy != nil && sel.GroupBy.Rollup {
		return nil, errors.New("GROUP BY ... WITH ROLLUP is not supported")
	}

	// FROM
	var plan logical.Node
	sc := &scope{outer: outer}
	if sel.From != nil {
		var cols []scopeColumn
		plan, cols, err = b.bindFromItem(sel.From.TableRefs, outer, ctes)
		if err != nil {
			return nil, err
		}
		sc.cols = cols
	} else {
		// SELECT without FROM reads one row of no columns.
		plan = &logical.Values{Rows: [][]logical.Expr{{}}}
	}

	// WHERE
	if sel.Where != nil {
		ctx := &exprCtx{b: b, sc: sc, ctes: ctes, clause: "WHERE"}
		pred, err := ctx.bindCondition(sel.Where, "WHERE")
		if err != nil {
			return nil, err
		}
		plan = &logical.Filter{Input: plan, Predicate: pred}
	}

	aggs := &aggCollector{b: b}

	// Select list.
	items, err := b.bindSelectList(sel.Fields, sc, ctes, aggs)
	if err != nil {
		return nil, err
	}
	aliases := &aliasSet{}
	for _, it := range items {
		if it.alias != "" {
			aliases.items = append(aliases.items, it)
		}
	}

	// GROUP BY
	var groupBy []logical.Expr
	var groupNames []string
	if sel.GroupBy != nil {
		for _, item := range sel.GroupBy.Items {
			g, name, err := b.bindGroupItem(item.Expr, items, sc, ctes, aggs)
			if err != nil {
				return nil, err
			}
			groupBy = append(groupBy, g)
			groupNames = append(groupNames, name)
		}
	}

	// HAVING: FROM columns first, then select-list aliases (MySQL).
	var having logical.Expr
	if sel.Having != nil {
		ctx := &exprCtx{b: b, sc: sc, ctes: ctes, aggs: aggs, clause: "HAVING", aliases: aliases}
		if having, err = ctx.bindCondition(sel.Having.Expr, "HAVING"); err != nil {
			return nil, err
		}
	}

	// ORDER BY: select-list aliases and positions first, then expressions.
	type orderItem struct {
		output int          // index into items, or -1
		expr   logical.Expr // when output < 0
		desc   bool
	}
	var order []orderItem
	if sel.OrderBy != nil {
		for _, by := range sel.OrderBy.Items {
			idx, err := outputReference(by.Expr, items)
			if err != nil {
				return nil, err
			}
			oi := orderItem{output: idx, desc: by.Desc}
			if idx < 0 {
				ctx := &exprCtx{b: b, sc: sc, ctes: ctes, aggs: aggs, clause: "ORDER BY", aliases: aliases, aliasFirst: true}
				if oi.expr, err = ctx.bind(by.Expr); err != nil {
					return nil, err
				}
			}
			order = append(order, oi)
		}
	}

	// Aggregation.
	if len(groupBy) > 0 || len(aggs.aggs) > 0 {
		agg := &logical.Aggregate{Input: plan, GroupBy: groupBy, Aggs: aggs.aggs, AggColumns: aggs.cols}
		for i, g := range groupBy {
			agg.GroupColumns = append(agg.GroupColumns, logical.Column{
				ID: b.ids.Next(), Name: groupNames[i], Type: g.Type(), Nullable: nullable(g),
			})
		}
		rw := &aggRewriter{groupBy: groupBy, groupCols: agg.GroupColumns, input: sc}
		for i := range items {
			if items[i].expr, err = rw.rewrite(items[i].expr); err != nil {
				return nil, err
			}
		}
		if having != nil {
			if having, err = rw.rewrite(having); err != nil {
				return nil, err
			}
		}
		for i := range order {
			if order[i].expr != nil {
				if order[i].expr, err = rw.rewrite(order[i].expr); err != nil {
					return nil, err
				}
			}
		}
		plan = agg
	}
	if having != nil {
		plan = &logical.Filter{Input: plan, Predicate: having}
	}

	// Projection: the select list, then hidden ORDER BY columns.
	exprs := make([]logical.Expr, 0, len(items))
	names := make([]string, 0, len(items))
	for _, it := range items {
		exprs = append(exprs, it.expr)
		names = append(names, it.name)
	}
	visible := len(exprs)
	keys := make([]int, len(order)) // output position of each ORDER BY item
	for i, o := range order {
		if o.output >= 0 {
			keys[i] = o.output
			continue
		}
		keys[i] = -1
		for j := 0; j < len(exprs); j++ {
			if exprEqual(exprs[j], o.expr) {
				keys[i] = j
				break
			}
		}
		if keys[i] < 0 {
			if sel.Distinct {
				return nil, fmt.Errorf("ORDER BY expression %s must appear in the select list when SELECT DISTINCT is used", exprText(sel.OrderBy.Items[i].Expr))
			}
			keys[i] = len(exprs)
			exprs = append(exprs, o.expr)
			names = append(names, exprText(sel.OrderBy.Items[i].Expr))
		}
	}
	project := b.project(plan, exprs, names)
	plan = project

	if sel.Distinct {
		plan = b.distinct(plan)
	}
	if len(order) > 0 {
		cols := plan.Schema()
		sortKeys := make([]logical.SortKey, len(order))
		for i, o := range order {
			sortKeys[i] = logical.SortKey{Expr: cols[keys[i]].Ref(), Desc: o.desc, NullsFirst: !o.desc}
		}
		plan = &logical.Sort{Input: plan, Keys: sortKeys}
	}
	if plan, err = bindLimit(plan, sel.Limit); err != nil {
		return nil, err
	}
	if len(exprs) > visible {
		cols := plan.Schema()[:visible]
		refs := make([]logical.Expr, visible)
		for i, c := range cols {
			refs[i] = c.Ref()
		}
		plan = &logical.Project{Input: plan, Exprs: refs, Columns: append([]logical.Column(nil), cols...)}
	}
	return plan, nil
}

// bindSelectList expands * and binds each select expression.
func (b *binder) bindSelectList(fields *ast.FieldList, sc *scope, ctes *cteEnv, aggs *aggCollector) ([]selectItem, error) {
	var items []selectItem
	ctx := &exprCtx{b: b, sc: sc, ctes: ctes, aggs: aggs, clause: "SELECT"}
	for _, f := range fields.Fields {
		if f.WildCard != nil {
			table := f.WildCard.Table.O
			n := 0
			for _, c := range sc.cols {
				if table == "" && c.mergedAway || table != "" && !strings.EqualFold(c.Table, table) {
					continue
				}
				items = append(items, selectItem{expr: c.Ref(), name: c.Name})
				n++
			}
			if n == 0 {
				if table != "" {
					return nil, fmt.Errorf("table %q in %s.* is not in the FROM clause", table, table)
				}
				return nil, errors.New("SELECT * needs a FROM clause")
			}
			continue
		}
		e, err := ctx.bind(f.Expr)
		if err != nil {
			return nil, err
		}
		it := selectItem{expr: e}
		switch {
		case f.AsName.O != "":
			it.name, it.alias = f.AsName.O, f.AsName.L
		case isColumnName(f.Expr):
			if ref, ok := e.(*logical.ColumnRef); ok {
				if c, ok := columnOf(sc, ref.ID); ok {
					it.name = c.Name
				}
			}
			if it.name == "" {
				it.name = unparen(f.Expr).(*ast.ColumnNameExpr).Name.Name.O
			}
		case isStringLiteral(f.Expr):
			// MySQL names a string literal column by its value.
			it.name = unparen(f.Expr).(*test_driver.ValueExpr).GetString()
		default:
			it.name = strings.TrimSpace(f.Text())
			if it.name == "" {
				it.name = exprText(f.Expr)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// columnOf finds a column by ID in s or its enclosing scopes.
func columnOf(s *scope, id logical.ColumnID) (logical.Column, bool) {
	for sc := s; sc != nil; sc = sc.outer {
		if c, ok := sc.columnByID(id); ok {
			return c, true
		}
	}
	return logical.Column{}, false
}

func isColumnName(e ast.ExprNode) bool {
	_, ok := unparen(e).(*ast.ColumnNameExpr)
	return ok
}

func isStringLiteral(e ast.ExprNode) bool {
	v, ok := unparen(e).(*test_driver.ValueExpr)
	return ok && v.Kind() == test_driver.KindString
}

func unparen(e ast.ExprNode) ast.ExprNode {
	for {
		p, ok := e.(*ast.ParenthesesExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// bindGroupItem binds a GROUP BY item: a position (GROUP BY 1), a FROM
// column, a select-list alias (MySQL looks at FROM columns first), or an
// expression over FROM columns. It also returns the group column's name.
func (b *binder) bindGroupItem(e ast.ExprNode, items []selectItem, sc *scope, ctes *cteEnv, aggs *aggCollector) (logical.Expr, string, error) {
	var g logical.Expr
	name := exprText(e)
	if pos, ok := e.(*ast.PositionExpr); ok {
		if pos.P != nil || pos.N < 1 || pos.N > len(items) {
			return nil, "", fmt.Errorf("GROUP BY position %d is not in the select list", pos.N)
		}
		g, name = items[pos.N-1].expr, items[pos.N-1].name
	} else if col, ok := unparen(e).(*ast.ColumnNameExpr); ok {
		name = col.Name.Name.O
		if col.Name.Table.O == "" {
			if c, found, err := sc.lookup("", col.Name.Name.O); err != nil {
				return nil, "", err
			} else if found {
				g = c.Ref()
			} else {
				for _, it := range items {
					if it.alias != "" && it.alias == col.Name.Name.L {
						g = it.expr
						break
					}
				}
			}
		}
	}
	if g == nil {
		ctx := &exprCtx{b: b, sc: sc, ctes: ctes, clause: "GROUP BY"}
		var err error
		if g, err = ctx.bind(e); err != nil {
			return nil, "", err
		}
	}
	if aggs.uses(g) {
		return nil, "", fmt.Errorf("cannot GROUP BY an aggregate (%s)", exprText(e))
	}
	return g, name, nil
}

// outputReference resolves an ORDER BY item that names an output column
// directly: a position or a select-list alias. It returns -1 otherwise.
func outputReference(e ast.ExprNode, items []selectItem) (int, error) {
	if pos, ok := e.(*ast.PositionExpr); ok {
		if pos.P != nil || pos.N < 1 || pos.N > len(items) {
			return 0, fmt.Errorf("ORDER BY position %d is not in the select list", pos.N)
		}
		return pos.N - 1, nil
	}
	if col, ok := unparen(e).(*ast.ColumnNameExpr); ok && col.Name.Table.O == "" {
		for i, it := range items {
			if it.alias != "" && it.alias == col.Name.Name.L {
				return i, nil
			}
		}
	}
	return -1, nil
}

// project builds a Project computing exprs under names. A bare column
// reference under its own name keeps its ID (the value is the same); other
// expressions get new IDs.
func (b *binder) project(input logical.Node, exprs []logical.Expr, names []string) *logical.Project {
	cols := make([]logical.Column, len(exprs))
	used := map[logical.ColumnID]bool{}
	for i, e := range exprs {
		col := logical.Column{Name: names[i], Type: e.Type(), Nullable: nullable(e)}
		// Renaming gets a new ID so plans print "expr AS name#id" readably.
		if ref, ok := e.(*logical.ColumnRef); ok && !used[ref.ID] && refName(ref) == names[i] {
			col.ID = ref.ID
		} else {
			col.ID = b.ids.Next()
		}
		used[col.ID] = true
		cols[i] = col
	}
	return &logical.Project{Input: input, Exprs: exprs, Columns: cols}
}

// refName is the unqualified column name a reference prints.
func refName(r *logical.ColumnRef) string {
	if i := strings.LastIndexByte(r.Name, '.'); i >= 0 {
		return r.Name[i+1:]
	}
	return r.Name
}

// distinct removes duplicate rows: an Aggregate grouping by every column.
func (b *binder) distinct(input logical.Node) logical.Node {
	agg := &logical.Aggregate{Input: input}
	for _, c := range input.Schema() {
		agg.GroupBy = append(agg.GroupBy, c.Ref())
		agg.GroupColumns = append(agg.GroupColumns, logical.Column{ID: b.ids.Next(), Name: c.Name, Type: c.Type, Nullable: c.Nullable})
	}
	return agg
}

// bindLimit adds LIMIT n [OFFSET m] / LIMIT m, n.
func bindLimit(plan logical.Node, limit *ast.Limit) (logical.Node, error) {
	if limit == nil {
		return plan, nil
	}
	count, err := limitValue(limit.Count, "LIMIT")
	if err != nil {
		return nil, err
	}
	var offset int64
	if limit.Offset != nil {
		if offset, err = limitValue(limit.Offset, "OFFSET"); err != nil {
			return nil, err
		}
	}
	return &logical.Limit{Input: plan, Offset: offset, Count: count}, nil
}

func limitValue(e ast.ExprNode, what string) (int64, error) {
	v, ok := e.(*test_driver.ValueExpr)
	if !ok {
		return 0, fmt.Errorf("%s must be a non-negative integer constant", what)
	}
	switch v.Kind() {
	case test_driver.KindInt64:
		if v.GetInt64() >= 0 {
			return v.GetInt64(), nil
		}
	case test_driver.KindUint64:
		if v.GetUint64() <= 1<<62 {
			return int64(v.GetUint64()), nil
		}
		return 1 << 62, nil
	}
	return 0, fmt.Errorf("%s must be a non-negative integer constant", what)
}

// bindSetOpr binds [WITH ...] q1 UNION [ALL] q2 ... [ORDER BY] [LIMIT].
func (b *binder) bindSetOpr(n *ast.SetOprStmt, outer *scope, ctes *cteEnv) (logical.Node, error) {
	ctes, err := withClause(n.With, ctes)
	if err != nil {
		return nil, err
	}
	plan, err := b.bindSetOprList(n.SelectList, outer, ctes)
	if err != nil {
		return nil, err
	}
	return b.orderAndLimitOutput(plan, n.OrderBy, n.Limit, outer, ctes)
}

func (b *binder) bindSetOprList(l *ast.SetOprSelectList, outer *scope, ctes *cteEnv) (logical.Node, error) {
	l = groupIntersects(l) // hook: INTERSECT precedence (bind_setop.go)
	ctes, err := withClause(l.With, ctes)
	if err != nil {
		return nil, err
	}
	var acc logical.Node
	var union *logical.UnionAll // acc when it is a UnionAll this loop built (extendable)
	for i, s := range l.Selects {
		var node logical.Node
		var op *ast.SetOprType
		switch x := s.(type) {
		case *ast.SelectStmt:
			node, err = b.bindSelect(x, outer, ctes)
			op = x.AfterSetOperator
		case *ast.SetOprSelectList:
			node, err = b.bindSetOprList(x, outer, ctes)
			op = x.AfterSetOperator
		default:
			return nil, fmt.Errorf("unsupported set operation input %T", s)
		}
		if err != nil {
			return nil, err
		}
		if i == 0 {
			acc = node
			continue
		}
		if op == nil {
			return nil, errors.New("set operation without an operator")
		}
		switch *op {
		case ast.Union, ast.UnionAll:
		case ast.Except, ast.Intersect: // hook: bind_setop.go
			if acc, err = b.exceptIntersect(acc, node, *op == ast.Intersect); err != nil {
				return nil, err
			}
			union = nil
			continue
		default:
			return nil, fmt.Errorf("%s is not supported (only UNION, UNION ALL, EXCEPT and INTERSECT)", op.String())
		}
		inputs := []logical.Node{acc, node}
		if union != nil {
			inputs = append(append([]logical.Node(nil), union.Inputs...), node)
		}
		if union, err = b.unionAll(inputs); err != nil {
			return nil, err
		}
		acc = union
		if *op == ast.Union {
			// UNION (distinct) removes duplicates from everything to its left.
			acc, union = b.distinct(union), nil
		}
	}
	return b.orderAndLimitOutput(acc, l.OrderBy, l.Limit, outer, ctes)
}

// unionAll concatenates inputs, casting columns to their common types.
// Output names come from the first input.
func (b *binder) unionAll(inputs []logical.Node) (*logical.UnionAll, error) {
	first := inputs[0].Schema()
	for _, in := range inputs[1:] {
		if len(in.Schema()) != len(first) {
			return nil, fmt.Errorf("UNION inputs have different numbers of columns (%d and %d)", len(first), len(in.Schema()))
		}
	}
	out := &logical.UnionAll{Columns: make([]logical.Column, len(first))}
	types := make([]logical.Expr, len(inputs))
	for j := range first {
		for i, in := range inputs {
			types[i] = in.Schema()[j].Ref()
		}
		t, ok := commonType(types, false)
		if !ok {
			return nil, fmt.Errorf("UNION column %d (%s) has incompatible types %s", j+1, first[j].Name, typeList(types))
		}
		nullableCol := false
		for _, in := range inputs {
			nullableCol = nullableCol || in.Schema()[j].Nullable
		}
		out.Columns[j] = logical.Column{ID: b.ids.Next(), Name: first[j].Name, Type: t, Nullable: nullableCol || logical.IsNull(t)}
	}
	for _, in := range inputs {
		cast, err := b.castColumns(in, out.Columns)
		if err != nil {
			return nil, err
		}
		out.Inputs = append(out.Inputs, cast)
	}
	return out, nil
}

func typeList(es []logical.Expr) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = logical.TypeName(e.Type())
	}
	return strings.Join(names, ", ")
}

// castColumns projects input so that its column types equal want's types
// (input itself when they already do).
func (b *binder) castColumns(input logical.Node, want []logical.Column) (logical.Node, error) {
	cols := input.Schema()
	same := true
	for i, c := range cols {
		if !typeEqual(c.Type, want[i].Type) {
			same = false
		}
	}
	if same {
		return input, nil
	}
	exprs := make([]logical.Expr, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		e, err := castTo(c.Ref(), want[i].Type)
		if err != nil {
			return nil, err
		}
		exprs[i], names[i] = e, c.Name
	}
	return b.project(input, exprs, names), nil
}

// orderAndLimitOutput applies ORDER BY and LIMIT that refer to the output
// columns of plan (set operations): names, positions or expressions over them.
func (b *binder) orderAndLimitOutput(plan logical.Node, orderBy *ast.OrderByClause, limit *ast.Limit, outer *scope, ctes *cteEnv) (logical.Node, error) {
	if orderBy != nil {
		cols := plan.Schema()
		sc := &scope{cols: qualify(cols, ""), outer: outer}
		ctx := &exprCtx{b: b, sc: sc, ctes: ctes, clause: "ORDER BY"}
		keys := make([]logical.SortKey, len(orderBy.Items))
		for i, by := range orderBy.Items {
			var e logical.Expr
			if pos, ok := by.Expr.(*ast.PositionExpr); ok {
				if pos.P != nil || pos.N < 1 || pos.N > len(cols) {
					return nil, fmt.Errorf("ORDER BY position %d is not in the select list", pos.N)
				}
				e = cols[pos.N-1].Ref()
			} else {
				var err error
				if e, err = ctx.bind(by.Expr); err != nil {
					return nil, err
				}
			}
			keys[i] = logical.SortKey{Expr: e, Desc: by.Desc, NullsFirst: !by.Desc}
		}
		plan = &logical.Sort{Input: plan, Keys: keys}
	}
	return bindLimit(plan, limit)
}
