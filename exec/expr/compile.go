package expr

import (
	"fmt"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Literal is a constant. Eval materializes it (n copies), but operators
// recognise Literal children at compile time and keep the Go value as a
// scalar instead, so the hot paths never build broadcast arrays.
type Literal struct {
	Value any // logical literal Go value; nil for NULL
	Type  arrow.DataType
}

// NewLiteral returns a constant expression.
func NewLiteral(v any, t arrow.DataType) *Literal { return &Literal{Value: v, Type: t} }

func (l *Literal) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	return MakeArray(l.Value, l.Type, int(b.NumRows()))
}
func (l *Literal) DataType() arrow.DataType { return l.Type }
func (l *Literal) String() string           { return logical.FormatValue(l.Value, l.Type) }

// Compile turns a bound logical expression into a physical one. input lists
// the columns of the batches it will be evaluated on, in order: a ColumnRef
// with ID input[i].ID reads column i. The result remembers e and input (see
// SourceOf), so that a plan can be serialized and compiled again elsewhere.
func Compile(e logical.Expr, input []logical.Column) (Expr, error) {
	c := &compiler{input: input, fold: true}
	x, err := c.compile(e)
	if err != nil {
		return nil, err
	}
	return withSource(x, e, input), nil
}

type compiler struct {
	input []logical.Column
	// fold evaluates column-free subtrees once at compile time. EvalConstant
	// turns it off, since it is itself the folding.
	fold bool
}

func (c *compiler) compile(e logical.Expr) (Expr, error) {
	if e == nil {
		return nil, fmt.Errorf("compile: nil expression")
	}
	switch x := e.(type) {
	case *logical.ColumnRef:
		for i, col := range c.input {
			if col.ID == x.ID {
				return NewColumn(i, x.Name, col.Type), nil
			}
		}
		return nil, fmt.Errorf("column %s not found in input", x)
	case *logical.Literal:
		t := x.Typ
		if t == nil {
			t = arrow.Null
		}
		return NewLiteral(x.Value, t), nil
	}
	if c.fold && isConstant(e) {
		if lit, err := evalConstant(e); err == nil {
			return NewLiteral(lit.Value, lit.Typ), nil
		}
		// On error compile normally, so that the error (or NULL) surfaces
		// when and if the expression is evaluated, as it would unfolded.
	}
	switch x := e.(type) {
	case *logical.BinaryExpr:
		return c.compileBinary(x)
	case *logical.UnaryExpr:
		return c.compileUnary(x)
	case *logical.CastExpr:
		in, err := c.compile(x.Input)
		if err != nil {
			return nil, err
		}
		return newCast(in, x.Typ)
	case *logical.InListExpr:
		return c.compileInList(x)
	case *logical.LikeExpr:
		return c.compileLike(x)
	case *logical.CaseExpr:
		return c.compileCase(x)
	case *logical.FuncCall:
		return c.compileFunc(x)
	case *logical.SubqueryExpr:
		return nil, fmt.Errorf("compile %s: subqueries must be decorrelated before execution", x)
	case *logical.AggregateExpr:
		return nil, fmt.Errorf("compile %s: aggregate outside an aggregation", x)
	}
	return nil, fmt.Errorf("compile: unsupported expression %T (%s)", e, e)
}

func (c *compiler) compileAll(es []logical.Expr) ([]Expr, error) {
	out := make([]Expr, len(es))
	for i, e := range es {
		x, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// isConstant reports whether e reads no column (and is worth folding: not
// already a literal).
func isConstant(e logical.Expr) bool {
	if _, ok := e.(*logical.Literal); ok {
		return false
	}
	constant := true
	logical.Walk(e, func(x logical.Expr) bool {
		switch x.(type) {
		case *logical.ColumnRef, *logical.SubqueryExpr, *logical.AggregateExpr:
			constant = false
		}
		return constant
	})
	return constant
}

// literalOf returns the value of a Literal expression.
func literalOf(e Expr) (any, bool) {
	if l, ok := e.(*Literal); ok {
		return l.Value, true
	}
	return nil, false
}

// isNullLiteral reports whether e is the NULL constant (of any type).
func isNullLiteral(e Expr) bool {
	v, ok := literalOf(e)
	return ok && v == nil
}

// castTo wraps e in a cast to t unless it already has type t. Literal
// operands are converted at compile time.
func castTo(e Expr, t arrow.DataType) (Expr, error) {
	if arrow.TypeEqual(e.DataType(), t) {
		return e, nil
	}
	if v, ok := literalOf(e); ok {
		cv, err := castScalar(v, e.DataType(), t)
		if err != nil {
			return nil, err
		}
		return NewLiteral(cv, t), nil
	}
	return newCast(e, t)
}

// castScalar converts a literal value between types with the cast kernels.
func castScalar(v any, from, to arrow.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	a, err := MakeArray(v, from, 1)
	if err != nil {
		return nil, err
	}
	out, err := castArray(a, to)
	if err != nil {
		return nil, err
	}
	return ScalarValue(out, 0), nil
}

// evalChild evaluates a child expression, decoding dictionary-encoded
// results so kernels only ever see plain arrays.
func evalChild(e Expr, b arrow.RecordBatch) (arrow.Array, error) {
	a, err := e.Eval(b)
	if err != nil {
		return nil, err
	}
	if d, ok := a.(*array.Dictionary); ok {
		return decodeDictionary(d)
	}
	return a, nil
}

// decodeDictionary materializes a dictionary array as its value type.
func decodeDictionary(d *array.Dictionary) (arrow.Array, error) {
	dict := d.Dictionary()
	n := d.Len()
	valid := validity(d)
	switch x := dict.(type) {
	case *array.String:
		offs, data := stringData(x)
		b := newStringBuilder(n, 0)
		for i := 0; i < n; i++ {
			if !isValid(valid, i) || x.IsNull(d.GetValueIndex(i)) {
				b.appendEmpty()
				continue
			}
			j := d.GetValueIndex(i)
			b.append(data[offs[j]:offs[j+1]])
		}
		if dict.NullN() > 0 {
			valid = cloneBitmapOrAll(valid, n)
			for i := 0; i < n; i++ {
				if isValid(valid, i) && x.IsNull(d.GetValueIndex(i)) {
					clearBit(valid, i)
				}
			}
		}
		return b.finish(valid)
	}
	// Other value types are rare: go through the generic scalar path.
	vals := make([]any, n)
	for i := range vals {
		vals[i] = ScalarValue(d, i)
	}
	return arrayFromValues(dict.DataType(), vals)
}

// cloneBitmapOrAll returns a writable copy of v, or an all-valid bitmap when v is nil.
func cloneBitmapOrAll(v []byte, n int) []byte {
	if v == nil {
		return allValid(n)
	}
	return cloneBitmap(v)
}

// arrayFromValues builds an array from logical literal values (slow path:
// used only for rare types and tests).
func arrayFromValues(t arrow.DataType, vals []any) (arrow.Array, error) {
	parts := make([]arrow.Array, len(vals))
	for i, v := range vals {
		a, err := MakeArray(v, t, 1)
		if err != nil {
			return nil, err
		}
		parts[i] = a
	}
	if len(parts) == 0 {
		return MakeArray(nil, t, 0)
	}
	return array.Concatenate(parts, memoryAlloc)
}
