package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
)

// Bound is a query bound to the catalog.
type Bound struct {
	// Plan is the query's logical plan; Plan.Schema() gives the output
	// column names (select-list aliases, column names or expression text)
	// and types.
	Plan logical.Node
	// IDs is the allocator the binder used; the optimizer continues from it.
	IDs *logical.IDAllocator
}

// Bind resolves names and types of q against cat and builds its logical plan.
func Bind(q *Query, cat *catalog.Catalog) (*Bound, error) {
	if q == nil || q.AST == nil {
		return nil, errors.New("bind: empty query")
	}
	b := &binder{cat: cat, ids: logical.NewIDAllocator(), lateralIsDerived: q.derivedColumnLists}
	plan, err := b.bindQuery(q.AST, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Bound{Plan: plan, IDs: b.ids}, nil
}

// binder holds what all query blocks of one statement share.
type binder struct {
	cat *catalog.Catalog
	ids *logical.IDAllocator
	// lateralIsDerived: LATERAL flags in the AST were added by Parse to
	// carry derived-table column alias lists, not written by the user.
	lateralIsDerived bool
	// viewDepth counts the views being bound around this point (bind_dml.go).
	viewDepth int
}

// cteEnv is a linked list of the CTEs in scope, innermost first. A CTE's body
// sees the CTEs defined before it (parent).
type cteEnv struct {
	name   string // lower case
	def    *ast.CommonTableExpression
	parent *cteEnv
}

func (e *cteEnv) lookup(name string) *cteEnv {
	for c := e; c != nil; c = c.parent {
		if c.name == strings.ToLower(name) {
			return c
		}
	}
	return nil
}

// withClause adds the CTEs of w to ctes.
func withClause(w *ast.WithClause, ctes *cteEnv) (*cteEnv, error) {
	if w == nil {
		return ctes, nil
	}
	if w.IsRecursive {
		return nil, errors.New("recursive CTEs (WITH RECURSIVE) are not supported")
	}
	seen := map[string]bool{}
	for _, cte := range w.CTEs {
		name := cte.Name.L
		if seen[name] {
			return nil, fmt.Errorf("WITH: duplicate CTE name %q", cte.Name.O)
		}
		seen[name] = true
		ctes = &cteEnv{name: name, def: cte, parent: ctes}
	}
	return ctes, nil
}

// bindQuery binds a SELECT, a set operation or a parenthesised query. outer
// is the scope of the enclosing query block for correlated subqueries.
func (b *binder) bindQuery(node ast.Node, outer *scope, ctes *cteEnv) (logical.Node, error) {
	switch n := node.(type) {
	case *ast.SelectStmt:
		return b.bindSelect(n, outer, ctes)
	case *ast.SetOprStmt:
		return b.bindSetOpr(n, outer, ctes)
	case *ast.SetOprSelectList:
		return b.bindSetOprList(n, outer, ctes)
	case *ast.SubqueryExpr:
		return b.bindQuery(n.Query, outer, ctes)
	}
	return nil, fmt.Errorf("unsupported query form %T", node)
}

// bindFromItem binds one FROM item to a plan and the columns it makes visible.
func (b *binder) bindFromItem(node ast.ResultSetNode, outer *scope, ctes *cteEnv) (logical.Node, []scopeColumn, error) {
	switch n := node.(type) {
	case *ast.Join:
		return b.bindJoin(n, outer, ctes)
	case *ast.TableSource:
		return b.bindTableSource(n, outer, ctes)
	case *ast.TableName:
		return b.bindTableName(n, "", ctes)
	case *ast.SelectStmt, *ast.SetOprStmt:
		return nil, nil, errors.New("every derived table must have an alias")
	}
	return nil, nil, fmt.Errorf("unsupported FROM item %T", node)
}

func (b *binder) bindTableSource(n *ast.TableSource, outer *scope, ctes *cteEnv) (logical.Node, []scopeColumn, error) {
	if n.Lateral && !b.lateralIsDerived {
		return nil, nil, errors.New("LATERAL derived tables are not supported")
	}
	alias := n.AsName.O
	switch src := n.Source.(type) {
	case *ast.TableName:
		return b.bindTableName(src, alias, ctes)
	case *ast.SelectStmt, *ast.SetOprStmt:
		if alias == "" {
			return nil, nil, errors.New("every derived table must have an alias")
		}
		// A derived table cannot see the enclosing query's columns.
		plan, err := b.bindQuery(src, nil, ctes)
		if err != nil {
			return nil, nil, err
		}
		cols, err := renameColumns(plan.Schema(), n.ColumnNames, alias)
		if err != nil {
			return nil, nil, err
		}
		return plan, qualify(cols, alias), nil
	case *ast.Join:
		return b.bindJoin(src, outer, ctes)
	}
	return nil, nil, fmt.Errorf("unsupported FROM item %T", n.Source)
}

// renameColumns applies a column alias list (d(a, b) or WITH c(a, b)).
func renameColumns(cols []logical.Column, names []ast.CIStr, what string) ([]logical.Column, error) {
	out := append([]logical.Column(nil), cols...)
	if len(names) == 0 {
		return out, nil
	}
	if len(names) != len(cols) {
		return nil, fmt.Errorf("%s has %d columns but %d column names were given", what, len(cols), len(names))
	}
	for i := range out {
		out[i].Name = names[i].O
	}
	return out, nil
}

// bindTableName binds a CTE reference or a catalog table.
func (b *binder) bindTableName(n *ast.TableName, alias string, ctes *cteEnv) (logical.Node, []scopeColumn, error) {
	name := n.Name.O
	qualifier := alias
	if qualifier == "" {
		qualifier = name
	}
	if n.Schema.O == "" {
		if cte := ctes.lookup(name); cte != nil {
			// Each reference binds the body afresh, so every reference has
			// its own column IDs (a CTE may be joined with itself).
			plan, err := b.bindQuery(cte.def.Query.Query, nil, cte.parent)
			if err != nil {
				return nil, nil, fmt.Errorf("in CTE %s: %w", cte.def.Name.O, err)
			}
			cols, err := renameColumns(plan.Schema(), cte.def.ColNameList, "CTE "+cte.def.Name.O)
			if err != nil {
				return nil, nil, err
			}
			return plan, qualify(cols, qualifier), nil
		}
	}
	if b.cat == nil {
		return nil, nil, &catalog.ErrTableNotFound{Name: name}
	}
	table, err := b.cat.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	// Hook: a view binds its query (bind_dml.go).
	if v, ok := table.(*catalog.View); ok {
		return b.bindView(v, qualifier)
	}
	fields := table.Schema().Fields()
	scan := &logical.Scan{
		TableName: name,
		Alias:     qualifier,
		Table:     table,
		Columns:   make([]logical.Column, len(fields)),
		Ordinals:  make([]int, len(fields)),
	}
	for i, f := range fields {
		scan.Columns[i] = logical.Column{ID: b.ids.Next(), Name: f.Name, Table: qualifier, Type: f.Type, Nullable: f.Nullable}
		scan.Ordinals[i] = i
	}
	return scan, qualify(scan.Columns, qualifier), nil
}

// bindJoin binds comma lists, [INNER|CROSS|LEFT|RIGHT] JOIN with ON, USING
// or NATURAL.
func (b *binder) bindJoin(n *ast.Join, outer *scope, ctes *cteEnv) (logical.Node, []scopeColumn, error) {
	left, lcols, err := b.bindFromItem(n.Left, outer, ctes)
	if err != nil {
		return nil, nil, err
	}
	if n.Right == nil {
		return left, lcols, nil
	}
	right, rcols, err := b.bindFromItem(n.Right, outer, ctes)
	if err != nil {
		return nil, nil, err
	}
	kind := logical.JoinInner
	switch n.Tp {
	case ast.LeftJoin:
		kind = logical.JoinLeft
	case ast.RightJoin:
		kind = logical.JoinRight
	}
	lcols = append([]scopeColumn(nil), lcols...)
	rcols = append([]scopeColumn(nil), rcols...)
	join := &logical.Join{Left: left, Right: right, Kind: kind}

	var conds []logical.Expr
	using := make([]string, 0, len(n.Using))
	for _, c := range n.Using {
		using = append(using, c.Name.O)
	}
	if n.NaturalJoin {
		using = naturalColumns(lcols, rcols)
	}
	for _, name := range using {
		li, err := findUsingColumn(lcols, name, "left")
		if err != nil {
			return nil, nil, err
		}
		ri, err := findUsingColumn(rcols, name, "right")
		if err != nil {
			return nil, nil, err
		}
		eq, err := compare(logical.OpEq, lcols[li].Ref(), rcols[ri].Ref(), func() string { return "USING (" + name + ")" })
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, eq)
		// The merged column is the one that is never NULL-extended.
		if kind == logical.JoinRight {
			lcols[li].mergedAway = true
		} else {
			rcols[ri].mergedAway = true
		}
	}
	cols := append(append([]scopeColumn(nil), lcols...), rcols...)
	if n.On != nil {
		sc := &scope{cols: cols, outer: outer}
		ctx := &exprCtx{b: b, sc: sc, ctes: ctes, clause: "ON"}
		cond, err := ctx.bindCondition(n.On.Expr, "ON")
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, logical.SplitConjuncts(cond)...)
	}
	join.Condition = logical.Conjunction(conds)
	if kind == logical.JoinLeft {
		for i := len(lcols); i < len(cols); i++ {
			cols[i].Nullable = true
		}
	}
	if kind == logical.JoinRight {
		for i := range lcols {
			cols[i].Nullable = true
		}
	}
	return join, cols, nil
}

// naturalColumns lists the names both sides share, in left order.
func naturalColumns(l, r []scopeColumn) []string {
	var out []string
	seen := map[string]bool{}
	for _, lc := range l {
		key := strings.ToLower(lc.Name)
		if lc.mergedAway || seen[key] {
			continue
		}
		for _, rc := range r {
			if !rc.mergedAway && strings.EqualFold(rc.Name, lc.Name) {
				out = append(out, lc.Name)
				seen[key] = true
				break
			}
		}
	}
	return out
}

func findUsingColumn(cols []scopeColumn, name, side string) (int, error) {
	found := -1
	for i, c := range cols {
		if c.mergedAway || !strings.EqualFold(c.Name, name) {
			continue
		}
		if found >= 0 {
			return 0, fmt.Errorf("column %q in USING is ambiguous on the %s side", name, side)
		}
		found = i
	}
	if found < 0 {
		return 0, fmt.Errorf("column %q in USING does not exist on the %s side", name, side)
	}
	return found, nil
}
