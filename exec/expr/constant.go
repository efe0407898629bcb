package expr

import (
	"github.com/aloftdb/aloft/logical"
)

// EvalConstant evaluates an expression that reads no columns (a constant
// expression) to a literal value, using the same kernels as batch
// evaluation, so constant folding and execution can never disagree.
// It returns a *logical.Literal of e.Type().
func EvalConstant(e logical.Expr) (*logical.Literal, error) {
	panic("expr.EvalConstant: not written yet")
}
