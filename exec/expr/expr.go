// Package expr evaluates scalar expressions over Arrow record batches,
// vectorized: one call evaluates a whole column. Logical expressions
// (logical.Expr, which name columns by ColumnID) are compiled into Exprs that
// read columns by position in the input batch.
package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Expr is a compiled, physical scalar expression.
type Expr interface {
	// Eval computes the expression for every row of batch and returns an
	// array of batch.NumRows() values of DataType().
	Eval(batch arrow.RecordBatch) (arrow.Array, error)
	// DataType is the type of the result.
	DataType() arrow.DataType
	// String prints the expression on one line, columns as name@index.
	String() string
}

// Column reads the column at Index of the input batch.
type Column struct {
	Index int
	Name  string
	Type  arrow.DataType
}

// NewColumn returns an expression reading column index of the input.
func NewColumn(index int, name string, t arrow.DataType) *Column {
	return &Column{Index: index, Name: name, Type: t}
}

func (c *Column) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	if c.Index >= int(b.NumCols()) {
		return nil, fmt.Errorf("column %s@%d out of range: batch has %d columns", c.Name, c.Index, b.NumCols())
	}
	col := b.Column(c.Index)
	col.Retain()
	return col, nil
}
func (c *Column) DataType() arrow.DataType { return c.Type }
func (c *Column) String() string           { return fmt.Sprintf("%s@%d", c.Name, c.Index) }
