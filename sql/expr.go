package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/aloftdb/aloft/logical"
)

// exprCtx is where an expression is bound: the visible columns, the CTEs,
// whether aggregates may appear, and the select-list aliases MySQL lets
// GROUP BY, HAVING and ORDER BY use.
type exprCtx struct {
	b    *binder
	sc   *scope
	ctes *cteEnv
	// aggs collects aggregate calls; nil means aggregates are not allowed
	// in clause.
	aggs   *aggCollector
	clause string
	// aliases, when set, resolve names that are not FROM columns (or, with
	// aliasFirst, before FROM columns: ORDER BY).
	aliases    *aliasSet
	aliasFirst bool
}

// bindCondition binds a predicate and makes it BOOLEAN.
func (c *exprCtx) bindCondition(n ast.ExprNode, what string) (logical.Expr, error) {
	e, err := c.bind(n)
	if err != nil {
		return nil, err
	}
	return toBool(e, what)
}

// toBool makes e a BOOLEAN: numbers are true when not zero (MySQL).
func toBool(e logical.Expr, what string) (logical.Expr, error) {
	t := e.Type()
	switch {
	case t.ID() == arrow.BOOL:
		return e, nil
	case logical.IsNull(t), logical.IsNumeric(t):
		return castTo(e, logical.Bool)
	}
	return nil, fmt.Errorf("argument of %s must be BOOLEAN, not %s", what, logical.TypeName(t))
}

// bind binds one expression.
func (c *exprCtx) bind(node ast.ExprNode) (logical.Expr, error) {
	switch n := node.(type) {
	case *ast.ParenthesesExpr:
		return c.bind(n.Expr)
	case *test_driver.ValueExpr:
		return literalFromValue(n)
	case *test_driver.ParamMarkerExpr:
		return nil, errors.New("query parameters (?) are not supported")
	case *ast.ColumnNameExpr:
		return c.column(n.Name)
	case *ast.BinaryOperationExpr:
		return c.bindBinary(n)
	case *ast.UnaryOperationExpr:
		return c.bindUnary(n)
	case *ast.BetweenExpr:
		return c.bindBetween(n)
	case *ast.PatternInExpr:
		return c.bindIn(n)
	case *ast.PatternLikeOrIlikeExpr:
		return c.bindLike(n)
	case *ast.IsNullExpr:
		e, err := c.bind(n.Expr)
		if err != nil {
			return nil, err
		}
		op := logical.OpIsNull
		if n.Not {
			op = logical.OpIsNotNull
		}
		return &logical.UnaryExpr{Op: op, Input: e, Typ: logical.Bool}, nil
	case *ast.IsTruthExpr:
		e, err := c.bindCondition(n.Expr, "IS TRUE/FALSE")
		if err != nil {
			return nil, err
		}
		op := map[[2]bool]logical.UnaryOp{
			{true, false}: logical.OpIsTrue, {true, true}: logical.OpIsNotTrue,
			{false, false}: logical.OpIsFalse, {false, true}: logical.OpIsNotFalse,
		}[[2]bool{n.True > 0, n.Not}]
		return &logical.UnaryExpr{Op: op, Input: e, Typ: logical.Bool}, nil
	case *ast.CaseExpr:
		return c.bindCase(n)
	case *ast.FuncCallExpr:
		return c.bindFunc(n)
	case *ast.FuncCastExpr:
		return c.bindCast(n)
	case *ast.AggregateFuncExpr:
		return c.bindAggregate(n)
	case *ast.SubqueryExpr:
		plan, err := c.subquery(n)
		if err != nil {
			return nil, err
		}
		cols := plan.Schema()
		if len(cols) != 1 {
			return nil, fmt.Errorf("scalar subquery must return exactly one column, not %d", len(cols))
		}
		return &logical.SubqueryExpr{Kind: logical.SubqueryScalar, Plan: plan, Typ: cols[0].Type}, nil
	case *ast.ExistsSubqueryExpr:
		sq, ok := n.Sel.(*ast.SubqueryExpr)
		if !ok {
			return nil, errors.New("EXISTS needs a subquery")
		}
		plan, err := c.subquery(sq)
		if err != nil {
			return nil, err
		}
		return &logical.SubqueryExpr{Kind: logical.SubqueryExists, Plan: plan, Negated: n.Not, Typ: logical.Bool}, nil
	case *ast.CompareSubqueryExpr:
		// = ANY is IN and <> ALL is NOT IN; other quantified comparisons
		// would need MIN/MAX rewrites with careful NULL handling.
		switch {
		case n.Op == opcode.EQ && !n.All:
			return c.bindInSubquery(n.L, n.R, false)
		case n.Op == opcode.NE && n.All:
			return c.bindInSubquery(n.L, n.R, true)
		}
		return nil, fmt.Errorf("unsupported quantified comparison %s (only = ANY and <> ALL)", exprText(n))
	case *ast.WindowFuncExpr:
		return nil, errors.New("window functions are not supported")
	case *ast.RowExpr:
		return nil, errors.New("row constructors (a, b) are not supported")
	case *ast.PositionExpr:
		return nil, fmt.Errorf("a position (%d) is allowed only as a whole GROUP BY or ORDER BY item", n.N)
	case *ast.VariableExpr:
		return nil, errors.New("variables are not supported")
	case *ast.DefaultExpr:
		return nil, errors.New("DEFAULT is not supported in expressions")
	case *ast.PatternRegexpExpr:
		return nil, errors.New("REGEXP is not supported")
	}
	return nil, fmt.Errorf("unsupported expression %s", exprText(node))
}

// column resolves a column name: select aliases first in ORDER BY, then the
// FROM columns, then aliases (GROUP BY/HAVING), then enclosing queries.
func (c *exprCtx) column(name *ast.ColumnName) (logical.Expr, error) {
	table, col := name.Table.O, name.Name.O
	if name.Schema.O != "" {
		table = name.Table.O // database qualifiers are ignored: there is one schema
	}
	if table == "" && c.aliasFirst {
		if e, ok := c.aliases.find(name.Name.L); ok {
			return e, nil
		}
	}
	found, ok, err := c.sc.lookup(table, col)
	if err != nil {
		return nil, err
	}
	if ok {
		return found.Ref(), nil
	}
	if table == "" {
		if e, ok := c.aliases.find(name.Name.L); ok {
			return e, nil
		}
	}
	if c.sc.outer != nil {
		found, err := c.sc.outer.resolve(table, col)
		if err != nil {
			return nil, err
		}
		return found.Ref(), nil
	}
	return nil, errUnknownColumn(table, col)
}

// subquery binds a subquery that can see this context's columns.
func (c *exprCtx) subquery(n *ast.SubqueryExpr) (logical.Node, error) {
	return c.b.bindQuery(n.Query, c.sc, c.ctes)
}

var comparisonOps = map[opcode.Op]logical.BinaryOp{
	opcode.EQ: logical.OpEq, opcode.NE: logical.OpNotEq, opcode.LT: logical.OpLt,
	opcode.LE: logical.OpLtEq, opcode.GT: logical.OpGt, opcode.GE: logical.OpGtEq,
	opcode.NullEQ: logical.OpNullSafeEq,
}

var arithmeticOps = map[opcode.Op]logical.BinaryOp{
	opcode.Plus: logical.OpAdd, opcode.Minus: logical.OpSub, opcode.Mul: logical.OpMul,
	opcode.Div: logical.OpDiv, opcode.IntDiv: logical.OpIntDiv, opcode.Mod: logical.OpMod,
}

func (c *exprCtx) bindBinary(n *ast.BinaryOperationExpr) (logical.Expr, error) {
	text := func() string { return exprText(n) }
	switch n.Op {
	case opcode.LogicAnd, opcode.LogicOr, opcode.LogicXor:
		l, err := c.bindCondition(n.L, strings.ToUpper(n.Op.String()))
		if err != nil {
			return nil, err
		}
		r, err := c.bindCondition(n.R, strings.ToUpper(n.Op.String()))
		if err != nil {
			return nil, err
		}
		switch n.Op {
		case opcode.LogicAnd:
			return &logical.BinaryExpr{Op: logical.OpAnd, Left: l, Right: r, Typ: logical.Bool}, nil
		case opcode.LogicOr:
			return &logical.BinaryExpr{Op: logical.OpOr, Left: l, Right: r, Typ: logical.Bool}, nil
		}
		// a XOR b is a != b on booleans, NULL when either is NULL.
		return &logical.BinaryExpr{Op: logical.OpNotEq, Left: l, Right: r, Typ: logical.Bool}, nil
	}
	l, err := c.bind(n.L)
	if err != nil {
		return nil, err
	}
	r, err := c.bind(n.R)
	if err != nil {
		return nil, err
	}
	if op, ok := comparisonOps[n.Op]; ok {
		return compare(op, l, r, text)
	}
	if op, ok := arithmeticOps[n.Op]; ok {
		return arithmetic(op, l, r, text)
	}
	return nil, fmt.Errorf("operator %s is not supported in %s", n.Op, text())
}

// compare builds a comparison with both operands cast to a common type.
func compare(op logical.BinaryOp, l, r logical.Expr, text func() string) (logical.Expr, error) {
	lt, rt, ok := comparisonTypes(l, r)
	if !ok {
		return nil, fmt.Errorf("cannot compare %s with %s in %q", logical.TypeName(l.Type()), logical.TypeName(r.Type()), text())
	}
	l, err := castTo(l, lt)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	r, err = castTo(r, rt)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	return &logical.BinaryExpr{Op: op, Left: l, Right: r, Typ: logical.Bool}, nil
}

// arithmetic builds + - * / DIV % with the operand casts of typing.go.
func arithmetic(op logical.BinaryOp, l, r logical.Expr, text func() string) (logical.Expr, error) {
	lt, rt, result, err := arithmeticTypes(op, l, r)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	if l, err = castTo(l, lt); err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	if r, err = castTo(r, rt); err != nil {
		return nil, fmt.Errorf("%w in %q", err, text())
	}
	return foldArithmetic(&logical.BinaryExpr{Op: op, Left: l, Right: r, Typ: result}), nil
}

func (c *exprCtx) bindUnary(n *ast.UnaryOperationExpr) (logical.Expr, error) {
	switch n.Op {
	case opcode.Not, opcode.Not2:
		e, err := c.bindCondition(n.V, "NOT")
		if err != nil {
			return nil, err
		}
		return &logical.UnaryExpr{Op: logical.OpNot, Input: e, Typ: logical.Bool}, nil
	case opcode.Plus, opcode.Minus:
		e, err := c.bind(n.V)
		if err != nil {
			return nil, err
		}
		t := e.Type()
		switch {
		case logical.IsInteger(t) || t.ID() == arrow.BOOL:
			t = logical.Int64
		case logical.IsFloat(t) || logical.IsString(t):
			t = logical.Float64
		case logical.IsDecimal(t), logical.IsNull(t):
		default:
			return nil, fmt.Errorf("cannot negate %s in %q", logical.TypeName(t), exprText(n))
		}
		if e, err = castTo(e, t); err != nil {
			return nil, err
		}
		if n.Op == opcode.Plus {
			return e, nil
		}
		if lit, ok := e.(*logical.Literal); ok {
			if d := negatedNegativeConstant(lit); d != nil {
				return d, nil
			}
			return negateLiteral(lit), nil
		}
		// MySQL: negating a negative integer constant gives a DECIMAL
		// (the result might not fit a BIGINT): - -41 is DECIMAL 41.
		if d := negatedNegativeConstant(e); d != nil {
			return d, nil
		}
		return &logical.UnaryExpr{Op: logical.OpNeg, Input: e, Typ: t}, nil
	}
	return nil, fmt.Errorf("operator %s is not supported in %q", n.Op, exprText(n))
}

// negateLiteral folds -literal so that -5 is a literal (exact for every type).
func negateLiteral(l *logical.Literal) logical.Expr {
	switch v := l.Value.(type) {
	case int64:
		if v != -v || v == 0 {
			return &logical.Literal{Value: -v, Typ: l.Typ}
		}
	case float64:
		return &logical.Literal{Value: -v, Typ: l.Typ}
	case decimal128.Num:
		return &logical.Literal{Value: v.Negate(), Typ: l.Typ}
	case nil:
		return l
	}
	return &logical.UnaryExpr{Op: logical.OpNeg, Input: l, Typ: l.Typ}
}

func (c *exprCtx) bindBetween(n *ast.BetweenExpr) (logical.Expr, error) {
	x, err := c.bind(n.Expr)
	if err != nil {
		return nil, err
	}
	lo, err := c.bind(n.Left)
	if err != nil {
		return nil, err
	}
	hi, err := c.bind(n.Right)
	if err != nil {
		return nil, err
	}
	text := func() string { return exprText(n) }
	ge, err := compare(logical.OpGtEq, x, lo, text)
	if err != nil {
		return nil, err
	}
	le, err := compare(logical.OpLtEq, x, hi, text)
	if err != nil {
		return nil, err
	}
	var e logical.Expr = &logical.BinaryExpr{Op: logical.OpAnd, Left: ge, Right: le, Typ: logical.Bool}
	if n.Not {
		e = &logical.UnaryExpr{Op: logical.OpNot, Input: e, Typ: logical.Bool}
	}
	return e, nil
}

func (c *exprCtx) bindIn(n *ast.PatternInExpr) (logical.Expr, error) {
	if n.Sel != nil {
		return c.bindInSubquery(n.Expr, n.Sel, n.Not)
	}
	if _, ok := n.Expr.(*ast.RowExpr); ok {
		return nil, errors.New("row constructors (a, b) IN (...) are not supported")
	}
	input, err := c.bind(n.Expr)
	if err != nil {
		return nil, err
	}
	all := []logical.Expr{input}
	for _, item := range n.List {
		e, err := c.bind(item)
		if err != nil {
			return nil, err
		}
		all = append(all, e)
	}
	t, ok := commonType(all, true)
	if !ok {
		return nil, fmt.Errorf("cannot compare %s in %q", typeList(all), exprText(n))
	}
	if logical.IsNull(t) {
		t = logical.Int64
	}
	for i := range all {
		if all[i], err = castTo(all[i], t); err != nil {
			return nil, fmt.Errorf("%w in %q", err, exprText(n))
		}
	}
	return &logical.InListExpr{Input: all[0], List: all[1:], Negated: n.Not}, nil
}

// bindInSubquery binds "x [NOT] IN (SELECT y ...)"; x and y are cast to
// their comparison type (y through a projection over the subquery).
func (c *exprCtx) bindInSubquery(left, sel ast.ExprNode, negated bool) (logical.Expr, error) {
	sq, ok := sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, errors.New("IN needs a list or a subquery")
	}
	if _, ok := left.(*ast.RowExpr); ok {
		return nil, errors.New("row constructors (a, b) IN (SELECT ...) are not supported")
	}
	input, err := c.bind(left)
	if err != nil {
		return nil, err
	}
	plan, err := c.subquery(sq)
	if err != nil {
		return nil, err
	}
	cols := plan.Schema()
	if len(cols) != 1 {
		return nil, fmt.Errorf("subquery of IN must return exactly one column, not %d", len(cols))
	}
	lt, rt, ok := comparisonTypes(input, cols[0].Ref())
	if !ok {
		return nil, fmt.Errorf("cannot compare %s with %s in IN (subquery)", logical.TypeName(input.Type()), logical.TypeName(cols[0].Type))
	}
	if input, err = castTo(input, lt); err != nil {
		return nil, err
	}
	if !typeEqual(rt, cols[0].Type) {
		cast, err := castTo(cols[0].Ref(), rt)
		if err != nil {
			return nil, err
		}
		plan = c.b.project(plan, []logical.Expr{cast}, []string{cols[0].Name})
	}
	return &logical.SubqueryExpr{Kind: logical.SubqueryIn, Plan: plan, Input: input, Negated: negated, Typ: logical.Bool}, nil
}

func (c *exprCtx) bindLike(n *ast.PatternLikeOrIlikeExpr) (logical.Expr, error) {
	input, err := c.bind(n.Expr)
	if err != nil {
		return nil, err
	}
	pattern, err := c.bind(n.Pattern)
	if err != nil {
		return nil, err
	}
	if input, err = toStringArg(input, "LIKE"); err != nil {
		return nil, err
	}
	if pattern, err = toStringArg(pattern, "LIKE"); err != nil {
		return nil, err
	}
	if !n.IsLike {
		// ILIKE compares case-insensitively: lower both sides.
		input = &logical.FuncCall{Name: "lower", Args: []logical.Expr{input}, Typ: logical.String}
		pattern = &logical.FuncCall{Name: "lower", Args: []logical.Expr{pattern}, Typ: logical.String}
	}
	escape := n.Escape
	if escape == 0 {
		escape = '\\'
	}
	return &logical.LikeExpr{Input: input, Pattern: pattern, Negated: n.Not, Escape: escape}, nil
}

// toStringArg casts a scalar to VARCHAR for string functions (MySQL
// converts numbers and dates to their text).
func toStringArg(e logical.Expr, fn string) (logical.Expr, error) {
	t := e.Type()
	switch {
	case logical.IsString(t):
		return e, nil
	case logical.IsNull(t), logical.IsNumeric(t), logical.IsTemporal(t), t.ID() == arrow.BOOL:
		return castTo(e, logical.String)
	}
	return nil, fmt.Errorf("%s: expected a string argument, got %s", fn, logical.TypeName(t))
}

func (c *exprCtx) bindCase(n *ast.CaseExpr) (logical.Expr, error) {
	var operand logical.Expr
	if n.Value != nil {
		var err error
		if operand, err = c.bind(n.Value); err != nil {
			return nil, err
		}
	}
	out := &logical.CaseExpr{}
	for _, w := range n.WhenClauses {
		cond, err := c.bind(w.Expr)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			// Simple CASE x WHEN v is the searched CASE WHEN x = v.
			if cond, err = compare(logical.OpEq, operand, cond, func() string { return exprText(n) }); err != nil {
				return nil, err
			}
		} else if cond, err = toBool(cond, "CASE WHEN"); err != nil {
			return nil, err
		}
		then, err := c.bind(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, cond)
		out.Thens = append(out.Thens, then)
	}
	branches := append([]logical.Expr(nil), out.Thens...)
	if n.ElseClause != nil {
		e, err := c.bind(n.ElseClause)
		if err != nil {
			return nil, err
		}
		out.Else = e
		branches = append(branches, e)
	}
	t, err := castToCommon(branches, "CASE", exprText(n))
	if err != nil {
		return nil, err
	}
	copy(out.Thens, branches[:len(out.Thens)])
	if out.Else != nil {
		out.Else = branches[len(branches)-1]
	}
	out.Typ = t
	return out, nil
}

// castToCommon casts exprs (in place) to their common supertype.
func castToCommon(exprs []logical.Expr, fn, text string) (arrow.DataType, error) {
	t, ok := commonType(exprs, false)
	if !ok {
		return nil, fmt.Errorf("%s: incompatible types %s in %q", fn, typeList(exprs), text)
	}
	for i := range exprs {
		var err error
		if exprs[i], err = castTo(exprs[i], t); err != nil {
			return nil, fmt.Errorf("%w in %q", err, text)
		}
	}
	return t, nil
}

var aggregateFuncs = map[string]logical.AggFunc{
	"count": logical.AggCount, "sum": logical.AggSum, "avg": logical.AggAvg,
	"min": logical.AggMin, "max": logical.AggMax,
}

func (c *exprCtx) bindAggregate(n *ast.AggregateFuncExpr) (logical.Expr, error) {
	fname := strings.ToLower(n.F)
	f, ok := aggregateFuncs[fname]
	if !ok {
		return nil, fmt.Errorf("aggregate function %s is not supported", fname)
	}
	if c.aggs == nil {
		if c.clause == "aggregate" {
			return nil, errors.New("aggregate function calls cannot be nested")
		}
		return nil, fmt.Errorf("aggregate functions are not allowed in %s", c.clause)
	}
	if len(n.Args) != 1 {
		return nil, fmt.Errorf("%s takes exactly one argument", strings.ToUpper(fname))
	}
	inner := &exprCtx{b: c.b, sc: c.sc, ctes: c.ctes, clause: "aggregate"}
	arg, err := inner.bind(n.Args[0])
	if err != nil {
		return nil, err
	}
	if f == logical.AggCount && !n.Distinct {
		// TiDB parses COUNT(*) as COUNT(1); counting a non-NULL constant
		// counts rows.
		if lit, ok := arg.(*logical.Literal); ok && lit.Value != nil {
			f, arg = logical.AggCountStar, nil
		}
	}
	if arg != nil {
		t := arg.Type()
		switch f {
		case logical.AggSum, logical.AggAvg:
			switch {
			case isIntegerLike(t) || logical.IsNull(t):
				arg, err = castTo(arg, logical.Int64)
			case logical.IsFloat(t):
				arg, err = castTo(arg, logical.Float64)
			}
		case logical.AggMin, logical.AggMax:
			if t.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
				err = fmt.Errorf("%s: cannot aggregate INTERVAL", strings.ToUpper(fname))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	var argType arrow.DataType
	if arg != nil {
		argType = arg.Type()
	}
	typ, err := aggregateResultType(f, argType)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, exprText(n))
	}
	agg := &logical.AggregateExpr{Func: f, Arg: arg, Distinct: n.Distinct, Typ: typ}
	name := exprText(n)
	if f == logical.AggSum && logical.IsInteger(typ) {
		// MySQL: SUM of integers is a DECIMAL. It is summed as a BIGINT
		// (overflow is an error) and converted after the aggregation.
		return castTo(c.aggs.add(agg, name), logical.Decimal(logical.MaxDecimalPrecision, 0))
	}
	if f == logical.AggCountStar {
		name = "count(*)"
	}
	return c.aggs.add(agg, name), nil
}

// literalFromValue converts a parser literal to a typed Literal.
func literalFromValue(v *test_driver.ValueExpr) (logical.Expr, error) {
	switch v.Kind() {
	case test_driver.KindNull:
		return &logical.Literal{Value: nil, Typ: logical.Null}, nil
	case test_driver.KindInt64:
		if v.Type.GetFlag()&mysql.IsBooleanFlag != 0 {
			return &logical.Literal{Value: v.GetInt64() != 0, Typ: logical.Bool}, nil
		}
		return &logical.Literal{Value: v.GetInt64(), Typ: logical.Int64}, nil
	case test_driver.KindUint64:
		u := v.GetUint64()
		if u <= 1<<63-1 {
			return &logical.Literal{Value: int64(u), Typ: logical.Int64}, nil
		}
		return decimalLiteral(fmt.Sprint(u))
	case test_driver.KindFloat32, test_driver.KindFloat64:
		return &logical.Literal{Value: v.GetFloat64(), Typ: logical.Float64}, nil
	case test_driver.KindString, test_driver.KindBytes:
		return &logical.Literal{Value: v.GetString(), Typ: logical.String}, nil
	case test_driver.KindMysqlDecimal:
		return decimalLiteral(v.GetMysqlDecimal().String())
	case test_driver.KindBinaryLiteral:
		return &logical.Literal{Value: string(v.GetBinaryLiteral()), Typ: logical.String}, nil
	}
	return nil, fmt.Errorf("unsupported literal %s", exprText(v))
}

// exprText prints an AST expression as SQL for messages and column names.
func exprText(n ast.Node) string {
	var b strings.Builder
	ctx := format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreKeyWordLowercase|
		format.RestoreSpacesAroundBinaryOperation|format.RestoreStringWithoutCharset, &b)
	if err := n.Restore(ctx); err != nil {
		return fmt.Sprintf("%T", n)
	}
	return b.String()
}
