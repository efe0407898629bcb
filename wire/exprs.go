package wire

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// Physical expressions travel as what they were built from:
//
//	0 nil
//	1 column:   index, name, type             (*expr.Column)
//	2 literal:  type, value                   (*expr.Literal)
//	3 compiled: input column list, logical expression (expr.SourceOf)
//
// A compiled expression is compiled again by the decoder against its input
// columns. Input column lists are interned: a list reference is 0 followed
// by the list (which gets the next number), or k+1 to reuse list k.
const (
	physNil      = 0
	physColumn   = 1
	physLiteral  = 2
	physCompiled = 3
)

// Logical expression tags.
const (
	exprColumnRef = 1
	exprLiteral   = 2
	exprBinary    = 3
	exprUnary     = 4
	exprFunc      = 5
	exprCase      = 6
	exprCast      = 7
	exprInList    = 8
	exprLike      = 9
)

const (
	maxBinaryOp = logical.OpOr
	maxUnaryOp  = logical.OpIsNotFalse
)

// Expr appends a physical expression (nil allowed).
func (e *Encoder) Expr(x expr.Expr) {
	switch c := x.(type) {
	case nil:
		e.Byte(physNil)
		return
	case *expr.Column:
		e.Byte(physColumn)
		e.Count(c.Index)
		e.String(c.Name)
		e.DataType(c.Type)
		return
	case *expr.Literal:
		e.Byte(physLiteral)
		e.DataType(c.Type)
		e.Value(c.Value)
		return
	}
	src, input, ok := expr.SourceOf(x)
	if !ok {
		e.Fail("expression %s (%T) was not built by expr.Compile and cannot be serialized", x, x)
		return
	}
	e.Byte(physCompiled)
	e.columnList(input)
	e.LogicalExpr(src)
}

// Exprs appends a list of physical expressions.
func (e *Encoder) Exprs(xs []expr.Expr) {
	e.Count(len(xs))
	for _, x := range xs {
		e.Expr(x)
	}
}

func (e *Encoder) columnList(cols []logical.Column) {
	var sub Encoder
	sub.Count(len(cols))
	for _, c := range cols {
		sub.Column(c)
	}
	if sub.err != nil {
		e.Fail("%v", sub.err)
		return
	}
	key := string(sub.buf)
	if i, ok := e.colLists[key]; ok {
		e.Count(i + 1)
		return
	}
	if e.colLists == nil {
		e.colLists = map[string]int{}
	}
	e.colLists[key] = len(e.colLists)
	e.Byte(0)
	e.buf = append(e.buf, sub.buf...)
}

// LogicalExpr appends a logical expression (the kinds that can appear in a
// physical plan: no subqueries or aggregates).
func (e *Encoder) LogicalExpr(x logical.Expr) {
	switch n := x.(type) {
	case *logical.ColumnRef:
		e.Byte(exprColumnRef)
		e.Varint(int64(n.ID))
		e.String(n.Name)
		e.DataType(n.Typ)
		e.Bool(n.Nullable)
	case *logical.Literal:
		e.Byte(exprLiteral)
		e.DataType(n.Typ)
		e.Value(n.Value)
	case *logical.BinaryExpr:
		e.Byte(exprBinary)
		e.Count(int(n.Op))
		e.DataType(n.Typ)
		e.LogicalExpr(n.Left)
		e.LogicalExpr(n.Right)
	case *logical.UnaryExpr:
		e.Byte(exprUnary)
		e.Count(int(n.Op))
		e.DataType(n.Typ)
		e.LogicalExpr(n.Input)
	case *logical.FuncCall:
		e.Byte(exprFunc)
		e.String(n.Name)
		e.DataType(n.Typ)
		e.Count(len(n.Args))
		for _, a := range n.Args {
			e.LogicalExpr(a)
		}
	case *logical.CaseExpr:
		e.Byte(exprCase)
		var flags byte
		if n.Operand != nil {
			flags |= 1
		}
		if n.Else != nil {
			flags |= 2
		}
		e.Byte(flags)
		e.DataType(n.Typ)
		if n.Operand != nil {
			e.LogicalExpr(n.Operand)
		}
		if len(n.Whens) != len(n.Thens) {
			e.Fail("CASE with %d WHENs and %d THENs", len(n.Whens), len(n.Thens))
		}
		e.Count(len(n.Whens))
		for i := range n.Whens {
			e.LogicalExpr(n.Whens[i])
			if i < len(n.Thens) {
				e.LogicalExpr(n.Thens[i])
			}
		}
		if n.Else != nil {
			e.LogicalExpr(n.Else)
		}
	case *logical.CastExpr:
		e.Byte(exprCast)
		e.DataType(n.Typ)
		e.LogicalExpr(n.Input)
	case *logical.InListExpr:
		e.Byte(exprInList)
		e.Bool(n.Negated)
		e.LogicalExpr(n.Input)
		e.Count(len(n.List))
		for _, a := range n.List {
			e.LogicalExpr(a)
		}
	case *logical.LikeExpr:
		e.Byte(exprLike)
		e.Bool(n.Negated)
		e.Byte(n.Escape)
		e.LogicalExpr(n.Input)
		e.LogicalExpr(n.Pattern)
	default:
		e.Fail("unsupported logical expression %s (%T)", x, x)
	}
}

// LogicalExpr reads a logical expression.
func (d *Decoder) LogicalExpr() logical.Expr {
	if !d.enter() {
		return nil
	}
	defer d.leave()
	var out logical.Expr
	switch tag := d.Byte(); tag {
	case exprColumnRef:
		out = &logical.ColumnRef{
			ID:   logical.ColumnID(d.Int("column id", 0, 1<<31-1)),
			Name: d.String(), Typ: d.DataType(false), Nullable: d.Bool(),
		}
	case exprLiteral:
		t := d.DataType(true)
		out = &logical.Literal{Typ: t, Value: d.Value(t)}
	case exprBinary:
		op := logical.BinaryOp(d.Uint("binary operator", uint64(maxBinaryOp)))
		t := d.DataType(false)
		l := d.LogicalExpr()
		out = &logical.BinaryExpr{Op: op, Typ: t, Left: l, Right: d.LogicalExpr()}
	case exprUnary:
		op := logical.UnaryOp(d.Uint("unary operator", uint64(maxUnaryOp)))
		t := d.DataType(false)
		out = &logical.UnaryExpr{Op: op, Typ: t, Input: d.LogicalExpr()}
	case exprFunc:
		n := &logical.FuncCall{Name: d.String(), Typ: d.DataType(false)}
		n.Args = make([]logical.Expr, d.Count("function argument", 3))
		for i := range n.Args {
			n.Args[i] = d.LogicalExpr()
		}
		out = n
	case exprCase:
		flags := d.Byte()
		if flags&^3 != 0 {
			d.Fail("invalid CASE flags %#x", flags)
		}
		n := &logical.CaseExpr{Typ: d.DataType(false)}
		if flags&1 != 0 {
			n.Operand = d.LogicalExpr()
		}
		k := d.Count("CASE branch", 6)
		n.Whens, n.Thens = make([]logical.Expr, k), make([]logical.Expr, k)
		for i := 0; i < k; i++ {
			n.Whens[i] = d.LogicalExpr()
			n.Thens[i] = d.LogicalExpr()
		}
		if flags&2 != 0 {
			n.Else = d.LogicalExpr()
		}
		out = n
	case exprCast:
		t := d.DataType(false)
		out = &logical.CastExpr{Typ: t, Input: d.LogicalExpr()}
	case exprInList:
		n := &logical.InListExpr{Negated: d.Bool(), Input: d.LogicalExpr()}
		n.List = make([]logical.Expr, d.Count("IN list item", 3))
		for i := range n.List {
			n.List[i] = d.LogicalExpr()
		}
		out = n
	case exprLike:
		n := &logical.LikeExpr{Negated: d.Bool(), Escape: d.Byte()}
		n.Input = d.LogicalExpr()
		n.Pattern = d.LogicalExpr()
		out = n
	default:
		d.Fail("unknown expression tag %d", tag)
	}
	if d.err != nil {
		return nil
	}
	return out
}

func (d *Decoder) columnList() []logical.Column {
	ref := d.Uvarint()
	if d.err != nil {
		return nil
	}
	if ref > 0 {
		if ref > uint64(len(d.colLists)) {
			d.Fail("column list %d not defined (%d so far)", ref-1, len(d.colLists))
			return nil
		}
		return d.colLists[ref-1]
	}
	cols := make([]logical.Column, d.Count("input column", 5))
	for i := range cols {
		cols[i] = d.Column()
	}
	if d.err != nil {
		return nil
	}
	d.colLists = append(d.colLists, cols)
	return cols
}

// Expr reads a physical expression (nil for the nil tag) that will be
// evaluated on batches of schema: the columns it reads must exist there
// with the types the expression was compiled for. A nil schema skips that
// check (for expressions that are printed but not evaluated).
func (d *Decoder) Expr(schema *arrow.Schema) expr.Expr {
	switch tag := d.Byte(); tag {
	case physNil:
		return nil
	case physColumn:
		idx := d.Uint("column index", 1<<31-1)
		name := d.String()
		t := d.DataType(false)
		if d.err != nil {
			return nil
		}
		if schema != nil {
			if idx >= uint64(schema.NumFields()) {
				d.Fail("column %s@%d out of range: input has %d columns", name, idx, schema.NumFields())
				return nil
			}
			if got := schema.Field(int(idx)).Type; !arrow.TypeEqual(got, t) {
				d.Fail("column %s@%d has type %s, input column is %s", name, idx, t, got)
				return nil
			}
		}
		return expr.NewColumn(int(idx), name, t)
	case physLiteral:
		t := d.DataType(false)
		v := d.Value(t)
		if d.err != nil {
			return nil
		}
		return expr.NewLiteral(v, t)
	case physCompiled:
		input := d.columnList()
		src := d.LogicalExpr()
		if d.err != nil {
			return nil
		}
		if schema != nil {
			if err := checkInput(src, input, schema); err != nil {
				d.failErr(err)
				return nil
			}
		}
		x, err := expr.Compile(src, input)
		if err != nil {
			d.failErr(fmt.Errorf("wire: recompiling %s: %w", src, err))
			return nil
		}
		return x
	default:
		d.Fail("unknown physical expression tag %d", tag)
		return nil
	}
}

// Exprs reads a list of non-nil physical expressions over schema.
func (d *Decoder) Exprs(schema *arrow.Schema) []expr.Expr {
	out := make([]expr.Expr, d.Count("expression", 3))
	for i := range out {
		if out[i] = d.Expr(schema); out[i] == nil {
			d.Fail("missing expression")
		}
	}
	if d.err != nil {
		return nil
	}
	return out
}

// checkInput verifies that every column src reads is, at the position
// compiling it will give it, a column of schema with the same type.
func checkInput(src logical.Expr, input []logical.Column, schema *arrow.Schema) error {
	var err error
	logical.Walk(src, func(x logical.Expr) bool {
		ref, ok := x.(*logical.ColumnRef)
		if !ok || err != nil {
			return err == nil
		}
		for i, c := range input {
			if c.ID != ref.ID {
				continue
			}
			switch {
			case i >= schema.NumFields():
				err = fmt.Errorf("wire: malformed plan: %s reads input column %d, but the input has %d columns", ref, i, schema.NumFields())
			case !arrow.TypeEqual(c.Type, schema.Field(i).Type):
				err = fmt.Errorf("wire: malformed plan: %s reads input column %d as %s, but it is %s", ref, i, c.Type, schema.Field(i).Type)
			}
			return false
		}
		err = fmt.Errorf("wire: malformed plan: %s is not among the input columns", ref)
		return false
	})
	return err
}
