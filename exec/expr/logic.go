package expr

import (
	"fmt"
	"math"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// logicExpr is AND / OR with SQL's three-valued (Kleene) logic, computed a
// byte (8 rows) at a time over the value and validity bitmaps.
type logicExpr struct {
	op          logical.BinaryOp
	left, right Expr
}

func (e *logicExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *logicExpr) String() string           { return fmt.Sprintf("(%s %s %s)", e.left, e.op, e.right) }

func newLogic(op logical.BinaryOp, l, r Expr) (Expr, error) {
	for _, side := range []Expr{l, r} {
		if t := side.DataType().ID(); t != arrow.BOOL && t != arrow.NULL {
			return nil, fmt.Errorf("%s needs BOOLEAN operands, got %s", op, logical.TypeName(side.DataType()))
		}
	}
	return &logicExpr{op: op, left: l, right: r}, nil
}

// boolOperand evaluates a BOOLEAN (or NULL-typed) child into value bits and
// validity (nil = no nulls), both starting at bit 0.
func boolOperand(e Expr, b arrow.RecordBatch) (vals, valid []byte, err error) {
	a, err := evalChild(e, b)
	if err != nil {
		return nil, nil, err
	}
	switch x := a.(type) {
	case *array.Boolean:
		return boolBits(x), validity(x), nil
	case *array.Null:
		n := x.Len()
		return make([]byte, bitmapLen(n)), make([]byte, bitmapLen(n)), nil
	}
	return nil, nil, fmt.Errorf("%s: expected BOOLEAN, got %s", e, a.DataType())
}

func (e *logicExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	l, lv, err := boolOperand(e.left, b)
	if err != nil {
		return nil, err
	}
	r, rv, err := boolOperand(e.right, b)
	if err != nil {
		return nil, err
	}
	out := make([]byte, bitmapLen(n))
	and := e.op == logical.OpAnd
	if lv == nil && rv == nil {
		if and {
			for i := range out {
				out[i] = l[i] & r[i]
			}
		} else {
			for i := range out {
				out[i] = l[i] | r[i]
			}
		}
		return newBool(n, out, nil), nil
	}
	if lv == nil {
		lv = allValid(n)
	}
	if rv == nil {
		rv = allValid(n)
	}
	valid := make([]byte, len(out))
	for i := range out {
		if and {
			// Known when both are known, or either is a known FALSE.
			valid[i] = (lv[i] & rv[i]) | (lv[i] &^ l[i]) | (rv[i] &^ r[i])
			out[i] = l[i] & r[i] & valid[i]
		} else {
			// Known when both are known, or either is a known TRUE.
			valid[i] = (lv[i] & rv[i]) | (lv[i] & l[i]) | (rv[i] & r[i])
			out[i] = ((l[i] & lv[i]) | (r[i] & rv[i])) & valid[i]
		}
	}
	return newBool(n, out, valid), nil
}

// notExpr is NOT: NULL stays NULL.
type notExpr struct{ input Expr }

func (e *notExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *notExpr) String() string           { return fmt.Sprintf("(NOT %s)", e.input) }
func (e *notExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	v, valid, err := boolOperand(e.input, b)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(v))
	for i := range v {
		out[i] = ^v[i]
	}
	return newBool(n, out, cloneBitmap(valid)), nil
}

// isNullExpr implements IS [NOT] NULL and IS [NOT] TRUE/FALSE, which are
// never NULL.
type isNullExpr struct {
	input Expr
	op    logical.UnaryOp
}

func (e *isNullExpr) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *isNullExpr) String() string           { return fmt.Sprintf("(%s %s)", e.input, e.op) }
func (e *isNullExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	out := make([]byte, bitmapLen(n))
	switch e.op {
	case logical.OpIsNull, logical.OpIsNotNull:
		a, err := e.input.Eval(b)
		if err != nil {
			return nil, err
		}
		valid := validity(a)
		if valid == nil {
			valid = allValid(n)
		}
		for i := range out {
			if e.op == logical.OpIsNull {
				out[i] = ^valid[i]
			} else {
				out[i] = valid[i]
			}
		}
		return newBool(n, out, nil), nil
	}
	v, valid, err := boolOperand(e.input, b)
	if err != nil {
		return nil, err
	}
	if valid == nil {
		valid = allValid(n)
	}
	for i := range out {
		switch e.op {
		case logical.OpIsTrue:
			out[i] = v[i] & valid[i]
		case logical.OpIsFalse:
			out[i] = ^v[i] & valid[i]
		case logical.OpIsNotTrue:
			out[i] = ^(v[i] & valid[i])
		case logical.OpIsNotFalse:
			out[i] = ^(^v[i] & valid[i])
		}
	}
	return newBool(n, out, nil), nil
}

// negExpr is unary minus.
type negExpr struct{ input Expr }

func (e *negExpr) DataType() arrow.DataType { return e.input.DataType() }
func (e *negExpr) String() string           { return fmt.Sprintf("(-%s)", e.input) }
func (e *negExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	a, err := evalChild(e.input, b)
	if err != nil {
		return nil, err
	}
	valid := validity(a)
	switch x := a.(type) {
	case *array.Int64:
		in := x.Int64Values()
		out := make([]int64, len(in))
		for i, v := range in {
			if v == math.MinInt64 && isValid(valid, i) {
				return nil, fmt.Errorf("%s: %w", e, overflowErr("BIGINT"))
			}
			out[i] = -v
		}
		return newFixed(a.DataType(), out, cloneBitmap(valid)), nil
	case *array.Float64:
		in := x.Float64Values()
		out := make([]float64, len(in))
		for i, v := range in {
			out[i] = -v
		}
		return newFixed(a.DataType(), out, cloneBitmap(valid)), nil
	case *array.Decimal128:
		in := x.Values()
		out := make([]num, len(in))
		for i, v := range in {
			out[i] = v.Negate()
		}
		return newFixed(a.DataType(), out, cloneBitmap(valid)), nil
	}
	return nil, fmt.Errorf("%s: negation of %s is not supported", e, logical.TypeName(a.DataType()))
}

func (c *compiler) compileUnary(x *logical.UnaryExpr) (Expr, error) {
	in, err := c.compile(x.Input)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case logical.OpNot:
		if isNullLiteral(in) {
			return NewLiteral(nil, logical.Bool), nil
		}
		if t := in.DataType().ID(); t != arrow.BOOL {
			return nil, fmt.Errorf("NOT needs a BOOLEAN operand, got %s", logical.TypeName(in.DataType()))
		}
		return &notExpr{input: in}, nil
	case logical.OpNeg:
		if isNullLiteral(in) {
			return NewLiteral(nil, x.Typ), nil
		}
		switch {
		case logical.IsInteger(in.DataType()):
			if in, err = castTo(in, arrow.PrimitiveTypes.Int64); err != nil {
				return nil, err
			}
		case logical.IsFloat(in.DataType()):
			if in, err = castTo(in, arrow.PrimitiveTypes.Float64); err != nil {
				return nil, err
			}
		case logical.IsDecimal(in.DataType()):
		default:
			return nil, fmt.Errorf("cannot negate %s", logical.TypeName(in.DataType()))
		}
		var e Expr = &negExpr{input: in}
		if x.Typ != nil && !arrow.TypeEqual(x.Typ, e.DataType()) {
			return newCast(e, x.Typ)
		}
		return e, nil
	case logical.OpIsNull, logical.OpIsNotNull:
		return &isNullExpr{input: in, op: x.Op}, nil
	case logical.OpIsTrue, logical.OpIsFalse, logical.OpIsNotTrue, logical.OpIsNotFalse:
		if t := in.DataType().ID(); t != arrow.BOOL && t != arrow.NULL {
			return nil, fmt.Errorf("%s needs a BOOLEAN operand, got %s", x.Op, logical.TypeName(in.DataType()))
		}
		return &isNullExpr{input: in, op: x.Op}, nil
	}
	return nil, fmt.Errorf("unsupported unary operator %s", x.Op)
}

func (c *compiler) compileBinary(x *logical.BinaryExpr) (Expr, error) {
	l, err := c.compile(x.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(x.Right)
	if err != nil {
		return nil, err
	}
	switch {
	case x.Op == logical.OpAnd || x.Op == logical.OpOr:
		return newLogic(x.Op, l, r)
	case x.Op.IsComparison():
		return newCompare(x.Op, l, r)
	case x.Op.IsArithmetic():
		return newArith(x.Op, l, r, x.Typ)
	}
	return nil, fmt.Errorf("unsupported binary operator %s", x.Op)
}
