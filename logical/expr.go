package logical

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ColumnID identifies a column within one query. IDs are never reused, so an
// ID means the same value wherever it appears in the plan.
type ColumnID int32

// IDAllocator hands out fresh ColumnIDs for one query. The binder creates it;
// optimizer rules that introduce columns take new IDs from the same allocator.
type IDAllocator struct{ next ColumnID }

// NewIDAllocator returns an allocator whose first ID is 1.
func NewIDAllocator() *IDAllocator { return &IDAllocator{next: 1} }

// Next returns an unused ColumnID.
func (a *IDAllocator) Next() ColumnID { id := a.next; a.next++; return id }

// Column describes one output column of a plan node.
type Column struct {
	ID       ColumnID
	Name     string // the name a user sees (alias or column name)
	Table    string // qualifier (table name or alias); may be empty
	Type     arrow.DataType
	Nullable bool
}

// Ref returns a ColumnRef expression reading this column.
func (c Column) Ref() *ColumnRef {
	return &ColumnRef{ID: c.ID, Name: c.QualifiedName(), Typ: c.Type, Nullable: c.Nullable}
}

// QualifiedName is "table.name", or "name" when there is no qualifier.
func (c Column) QualifiedName() string {
	if c.Table == "" {
		return c.Name
	}
	return c.Table + "." + c.Name
}

// Expr is a bound, typed scalar expression. Exprs are immutable: rewrites build
// new nodes with WithChildren.
type Expr interface {
	// Type is the SQL type of the value (see types.go).
	Type() arrow.DataType
	// String prints the expression deterministically on one line.
	String() string
	// Children are the direct sub-expressions, in a fixed order.
	Children() []Expr
	// WithChildren returns a copy with the children replaced (same order and count as Children).
	WithChildren(children []Expr) Expr
}

// ColumnRef reads a column produced by an input node, or by an outer query
// when it appears inside a correlated subquery.
type ColumnRef struct {
	ID       ColumnID
	Name     string // for printing only
	Typ      arrow.DataType
	Nullable bool
}

func (e *ColumnRef) Type() arrow.DataType       { return e.Typ }
func (e *ColumnRef) String() string             { return fmt.Sprintf("%s#%d", e.Name, e.ID) }
func (e *ColumnRef) Children() []Expr           { return nil }
func (e *ColumnRef) WithChildren(c []Expr) Expr { return e }

// Literal is a constant. Value uses the Go types listed in types.go.
type Literal struct {
	Value any
	Typ   arrow.DataType
}

func (e *Literal) Type() arrow.DataType       { return e.Typ }
func (e *Literal) String() string             { return FormatValue(e.Value, e.Typ) }
func (e *Literal) Children() []Expr           { return nil }
func (e *Literal) WithChildren(c []Expr) Expr { return e }

// BinaryOp is an arithmetic, comparison or logical operator.
type BinaryOp int

const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv    // "/" : MySQL semantics, integer / integer is a DECIMAL
	OpIntDiv // DIV
	OpMod
	OpEq
	OpNotEq
	OpLt
	OpLtEq
	OpGt
	OpGtEq
	OpNullSafeEq // <=>
	OpAnd
	OpOr
)

var binaryOpNames = [...]string{"+", "-", "*", "/", "DIV", "%", "=", "!=", "<", "<=", ">", ">=", "<=>", "AND", "OR"}

func (op BinaryOp) String() string { return binaryOpNames[op] }

// IsComparison reports whether op compares its operands and yields a BOOLEAN.
func (op BinaryOp) IsComparison() bool { return op >= OpEq && op <= OpNullSafeEq }

// IsArithmetic reports whether op is + - * / DIV or %.
func (op BinaryOp) IsArithmetic() bool { return op <= OpMod }

// Commute returns the operator with its operands swapped (a < b == b > a).
func (op BinaryOp) Commute() BinaryOp {
	switch op {
	case OpLt:
		return OpGt
	case OpLtEq:
		return OpGtEq
	case OpGt:
		return OpLt
	case OpGtEq:
		return OpLtEq
	}
	return op
}

// BinaryExpr applies Op to Left and Right. For arithmetic, Typ is the result
// type after SQL promotion (the binder inserts Casts so that the physical
// kernel sees operands of the types it needs; see sql/typing).
type BinaryExpr struct {
	Op          BinaryOp
	Left, Right Expr
	Typ         arrow.DataType
}

func (e *BinaryExpr) Type() arrow.DataType { return e.Typ }
func (e *BinaryExpr) String() string {
	return fmt.Sprintf("(%s %s %s)", e.Left, e.Op, e.Right)
}
func (e *BinaryExpr) Children() []Expr { return []Expr{e.Left, e.Right} }
func (e *BinaryExpr) WithChildren(c []Expr) Expr {
	n := *e
	n.Left, n.Right = c[0], c[1]
	return &n
}

// UnaryOp is a one-operand operator.
type UnaryOp int

const (
	OpNot UnaryOp = iota
	OpNeg
	OpIsNull
	OpIsNotNull
	OpIsTrue
	OpIsFalse
	OpIsNotTrue
	OpIsNotFalse
)

var unaryOpNames = [...]string{"NOT", "-", "IS NULL", "IS NOT NULL", "IS TRUE", "IS FALSE", "IS NOT TRUE", "IS NOT FALSE"}

func (op UnaryOp) String() string { return unaryOpNames[op] }

// UnaryExpr applies Op to Input.
type UnaryExpr struct {
	Op    UnaryOp
	Input Expr
	Typ   arrow.DataType
}

func (e *UnaryExpr) Type() arrow.DataType { return e.Typ }
func (e *UnaryExpr) String() string {
	switch e.Op {
	case OpNot:
		return fmt.Sprintf("(NOT %s)", e.Input)
	case OpNeg:
		return fmt.Sprintf("(-%s)", e.Input)
	}
	return fmt.Sprintf("(%s %s)", e.Input, e.Op)
}
func (e *UnaryExpr) Children() []Expr { return []Expr{e.Input} }
func (e *UnaryExpr) WithChildren(c []Expr) Expr {
	n := *e
	n.Input = c[0]
	return &n
}

// FuncCall is a scalar function call. Name is lower case; the function
// library (exec/expr) defines the names and their argument types. Known names:
// substring(s, pos[, len]), upper, lower, length (bytes), char_length,
// concat(...), trim/ltrim/rtrim(s[, chars]), replace(s, from, to),
// round(x[, digits]), abs, coalesce(...), nullif(a, b), if(c, a, b),
// extract_year/extract_month/extract_day (also year, month, day),
// date_add(date, interval), date_sub(date, interval).
type FuncCall struct {
	Name string
	Args []Expr
	Typ  arrow.DataType
}

func (e *FuncCall) Type() arrow.DataType { return e.Typ }
func (e *FuncCall) String() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", e.Name, strings.Join(args, ", "))
}
func (e *FuncCall) Children() []Expr { return e.Args }
func (e *FuncCall) WithChildren(c []Expr) Expr {
	n := *e
	n.Args = c
	return &n
}

// CaseExpr is a searched CASE (Operand nil) or a simple CASE.
// When a simple CASE is bound, the binder may rewrite it to a searched one.
type CaseExpr struct {
	Operand Expr // nil for CASE WHEN cond THEN ...
	Whens   []Expr
	Thens   []Expr
	Else    Expr // nil means ELSE NULL
	Typ     arrow.DataType
}

func (e *CaseExpr) Type() arrow.DataType { return e.Typ }
func (e *CaseExpr) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteString(" " + e.Operand.String())
	}
	for i := range e.Whens {
		fmt.Fprintf(&b, " WHEN %s THEN %s", e.Whens[i], e.Thens[i])
	}
	if e.Else != nil {
		fmt.Fprintf(&b, " ELSE %s", e.Else)
	}
	b.WriteString(" END")
	return b.String()
}

// Children are Operand (if any), then When/Then pairs interleaved, then Else (if any).
func (e *CaseExpr) Children() []Expr {
	var c []Expr
	if e.Operand != nil {
		c = append(c, e.Operand)
	}
	for i := range e.Whens {
		c = append(c, e.Whens[i], e.Thens[i])
	}
	if e.Else != nil {
		c = append(c, e.Else)
	}
	return c
}
func (e *CaseExpr) WithChildren(c []Expr) Expr {
	n := *e
	if e.Operand != nil {
		n.Operand, c = c[0], c[1:]
	}
	n.Whens = make([]Expr, len(e.Whens))
	n.Thens = make([]Expr, len(e.Thens))
	for i := range e.Whens {
		n.Whens[i], n.Thens[i] = c[2*i], c[2*i+1]
	}
	if e.Else != nil {
		n.Else = c[len(c)-1]
	}
	return &n
}

// CastExpr converts Input to Typ.
type CastExpr struct {
	Input Expr
	Typ   arrow.DataType
}

func (e *CastExpr) Type() arrow.DataType { return e.Typ }
func (e *CastExpr) String() string {
	return fmt.Sprintf("CAST(%s AS %s)", e.Input, TypeName(e.Typ))
}
func (e *CastExpr) Children() []Expr { return []Expr{e.Input} }
func (e *CastExpr) WithChildren(c []Expr) Expr {
	n := *e
	n.Input = c[0]
	return &n
}

// InListExpr is "Input [NOT] IN (List...)" with SQL NULL semantics.
type InListExpr struct {
	Input   Expr
	List    []Expr
	Negated bool
}

func (e *InListExpr) Type() arrow.DataType { return Bool }
func (e *InListExpr) String() string {
	items := make([]string, len(e.List))
	for i, a := range e.List {
		items[i] = a.String()
	}
	not := ""
	if e.Negated {
		not = "NOT "
	}
	return fmt.Sprintf("(%s %sIN (%s))", e.Input, not, strings.Join(items, ", "))
}
func (e *InListExpr) Children() []Expr { return append([]Expr{e.Input}, e.List...) }
func (e *InListExpr) WithChildren(c []Expr) Expr {
	n := *e
	n.Input, n.List = c[0], append([]Expr(nil), c[1:]...)
	return &n
}

// LikeExpr is "Input [NOT] LIKE Pattern [ESCAPE Escape]" (MySQL: case-sensitive
// for binary collations; Aloft compares bytes, so LIKE is case-sensitive).
type LikeExpr struct {
	Input   Expr
	Pattern Expr
	Negated bool
	Escape  byte // '\\' by default
}

func (e *LikeExpr) Type() arrow.DataType { return Bool }
func (e *LikeExpr) String() string {
	not := ""
	if e.Negated {
		not = "NOT "
	}
	return fmt.Sprintf("(%s %sLIKE %s)", e.Input, not, e.Pattern)
}
func (e *LikeExpr) Children() []Expr { return []Expr{e.Input, e.Pattern} }
func (e *LikeExpr) WithChildren(c []Expr) Expr {
	n := *e
	n.Input, n.Pattern = c[0], c[1]
	return &n
}

// AggFunc names an aggregate function.
type AggFunc int

const (
	AggCountStar AggFunc = iota // COUNT(*): Arg is nil
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
)

var aggNames = [...]string{"count_star", "count", "sum", "avg", "min", "max"}

func (f AggFunc) String() string { return aggNames[f] }

// AggregateExpr is an aggregate call. It appears only in Aggregate.Aggs.
// Result types: COUNT → BIGINT; SUM of integers → BIGINT (MySQL says DECIMAL;
// Aloft keeps integers, a documented difference), SUM(DECIMAL(p,s))
// → DECIMAL(38,s), SUM(float) → DOUBLE; AVG(int) → DECIMAL(38,4),
// AVG(DECIMAL(p,s)) → DECIMAL(38,s+4), AVG(float) → DOUBLE; MIN/MAX keep the type.
type AggregateExpr struct {
	Func     AggFunc
	Arg      Expr // nil for COUNT(*)
	Distinct bool
	Typ      arrow.DataType
}

func (e *AggregateExpr) Type() arrow.DataType { return e.Typ }
func (e *AggregateExpr) String() string {
	if e.Func == AggCountStar {
		return "count(*)"
	}
	d := ""
	if e.Distinct {
		d = "DISTINCT "
	}
	return fmt.Sprintf("%s(%s%s)", e.Func, d, e.Arg)
}
func (e *AggregateExpr) Children() []Expr {
	if e.Arg == nil {
		return nil
	}
	return []Expr{e.Arg}
}
func (e *AggregateExpr) WithChildren(c []Expr) Expr {
	n := *e
	if len(c) > 0 {
		n.Arg = c[0]
	}
	return &n
}

// SubqueryKind says how a subquery's result is used.
type SubqueryKind int

const (
	SubqueryScalar SubqueryKind = iota // (SELECT x ...) : one value, NULL when empty, error when >1 row
	SubqueryExists                     // [NOT] EXISTS (SELECT ...)
	SubqueryIn                         // Input [NOT] IN (SELECT x ...)
)

// SubqueryExpr is a subquery used as an expression. Plan may reference
// columns of enclosing queries through ColumnRefs whose IDs its own inputs do
// not produce (correlation). The decorrelation rule removes every
// SubqueryExpr before physical planning.
type SubqueryExpr struct {
	Kind    SubqueryKind
	Plan    Node
	Input   Expr // the left side of IN; nil otherwise
	Negated bool // NOT EXISTS / NOT IN
	Typ     arrow.DataType
}

func (e *SubqueryExpr) Type() arrow.DataType { return e.Typ }
func (e *SubqueryExpr) String() string {
	not := ""
	if e.Negated {
		not = "NOT "
	}
	switch e.Kind {
	case SubqueryExists:
		return fmt.Sprintf("%sEXISTS(<subquery>)", not)
	case SubqueryIn:
		return fmt.Sprintf("(%s %sIN (<subquery>))", e.Input, not)
	}
	return "(<scalar subquery>)"
}
func (e *SubqueryExpr) Children() []Expr {
	if e.Input == nil {
		return nil
	}
	return []Expr{e.Input}
}
func (e *SubqueryExpr) WithChildren(c []Expr) Expr {
	n := *e
	if len(c) > 0 {
		n.Input = c[0]
	}
	return &n
}

// Transform rewrites e bottom-up: children first, then f on the node.
func Transform(e Expr, f func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	kids := e.Children()
	if len(kids) > 0 {
		changed := false
		nk := make([]Expr, len(kids))
		for i, k := range kids {
			nk[i] = Transform(k, f)
			if nk[i] != k {
				changed = true
			}
		}
		if changed {
			e = e.WithChildren(nk)
		}
	}
	return f(e)
}

// Walk visits e and its descendants pre-order; f returning false skips a subtree.
// It does not descend into subquery plans.
func Walk(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	for _, k := range e.Children() {
		Walk(k, f)
	}
}

// ColumnsUsed returns the set of ColumnIDs referenced by e (not inside subquery plans).
func ColumnsUsed(e Expr) map[ColumnID]bool {
	set := map[ColumnID]bool{}
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColumnRef); ok {
			set[c.ID] = true
		}
		return true
	})
	return set
}

// SplitConjuncts flattens nested ANDs into a list.
func SplitConjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if b, ok := e.(*BinaryExpr); ok && b.Op == OpAnd {
		return append(SplitConjuncts(b.Left), SplitConjuncts(b.Right)...)
	}
	return []Expr{e}
}

// Conjunction joins exprs with AND; nil for an empty list.
func Conjunction(exprs []Expr) Expr {
	var out Expr
	for _, e := range exprs {
		if out == nil {
			out = e
		} else {
			out = &BinaryExpr{Op: OpAnd, Left: out, Right: e, Typ: Bool}
		}
	}
	return out
}

// HasSubquery reports whether e contains a SubqueryExpr.
func HasSubquery(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*SubqueryExpr); ok {
			found = true
		}
		return !found
	})
	return found
}
