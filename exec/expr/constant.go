package expr

import (
	"fmt"

	"github.com/aloftdb/aloft/logical"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// EvalConstant evaluates an expression that reads no columns (a constant
// expression) to a literal value, using the same kernels as batch
// evaluation, so constant folding and execution can never disagree.
// It returns a *logical.Literal of e.Type().
func EvalConstant(e logical.Expr) (*logical.Literal, error) {
	if l, ok := e.(*logical.Literal); ok {
		return l, nil
	}
	return evalConstant(e)
}

// oneRow is a batch of one row and no columns: constant expressions are
// evaluated on it.
var oneRow = array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)

func evalConstant(e logical.Expr) (*logical.Literal, error) {
	c := &compiler{fold: false}
	x, err := c.compile(e)
	if err != nil {
		return nil, err
	}
	a, err := x.Eval(oneRow)
	if err != nil {
		return nil, err
	}
	if a.Len() != 1 {
		return nil, fmt.Errorf("constant %s evaluated to %d values", e, a.Len())
	}
	t := e.Type()
	if t == nil {
		t = a.DataType()
	}
	if !arrow.TypeEqual(a.DataType(), t) && a.DataType().ID() != arrow.NULL {
		// The kernels may compute in a wider type than the binder declared.
		if a, err = castArray(a, t); err != nil {
			return nil, err
		}
	}
	return &logical.Literal{Value: ScalarValue(a, 0), Typ: t}, nil
}
