package expr

import (
	"slices"

	"github.com/aloftdb/aloft/logical"
)

// Physical expressions are closures and kernels, which cannot be sent to
// another process. Instead every expression Compile returns remembers what
// it was compiled from: the logical expression and the input columns. A
// plan is serialized as those sources and recompiled where it runs (package
// wire). *Column and *Literal are plain data and serialize as themselves.

// compiled is an expression returned by Compile, with its source. It
// forwards Eval, DataType and String to the compiled kernel unchanged.
type compiled struct {
	Expr
	src   logical.Expr
	input []logical.Column
}

// Unwrap returns the compiled kernel.
func (c *compiled) Unwrap() Expr { return c.Expr }

// withSource wraps x, compiled from e against input, with its source.
// Columns and literals need no source and are returned as they are, so that
// code recognising them by type (scalar fast paths, join key shortcuts)
// keeps working.
func withSource(x Expr, e logical.Expr, input []logical.Column) Expr {
	switch x.(type) {
	case *Column, *Literal, *compiled:
		return x
	}
	return &compiled{Expr: x, src: e, input: slices.Clone(input)}
}

// SourceOf returns the logical expression and the input columns that x was
// compiled from by Compile. ok is false for expressions that carry no source:
// *Column and *Literal (which are data themselves) and expressions built
// directly by their constructors. The returned values must not be modified.
func SourceOf(x Expr) (e logical.Expr, input []logical.Column, ok bool) {
	if c, isCompiled := x.(*compiled); isCompiled {
		return c.src, c.input, true
	}
	return nil, nil, false
}

// Unwrap returns the kernel behind an expression returned by Compile (the
// expression itself when it has no source wrapper). Code that looks for
// optional interfaces or concrete types of expressions should unwrap first.
func Unwrap(x Expr) Expr {
	if c, ok := x.(*compiled); ok {
		return c.Expr
	}
	return x
}
