package exec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec/expr"
)

// ProjectionExec evaluates expressions over each input batch.
type ProjectionExec struct {
	input  Exec
	exprs  []expr.Expr
	names  []string
	schema *arrow.Schema
}

// NewProjectionExec returns an Exec whose column i is names[i] = exprs[i].
func NewProjectionExec(input Exec, exprs []expr.Expr, names []string) *ProjectionExec {
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		name := fmt.Sprintf("col%d", i)
		if i < len(names) {
			name = names[i]
		}
		fields[i] = arrow.Field{Name: name, Type: e.DataType(), Nullable: true}
	}
	return &ProjectionExec{input: input, exprs: exprs, names: names, schema: arrow.NewSchema(fields, nil)}
}

func (e *ProjectionExec) Schema() *arrow.Schema { return e.schema }
func (e *ProjectionExec) Children() []Exec      { return []Exec{e.input} }
func (e *ProjectionExec) Partitions() int       { return e.input.Partitions() }
func (e *ProjectionExec) String() string {
	parts := make([]string, len(e.exprs))
	for i, x := range e.exprs {
		parts[i] = x.String() + " AS " + e.schema.Field(i).Name
	}
	return "ProjectionExec: exprs=[" + strings.Join(parts, ", ") + "]"
}

func (e *ProjectionExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	in, err := e.input.Execute(ctx, partition)
	if err != nil {
		return nil, err
	}
	return &projectionStream{e: e, ctx: ctx, input: in}, nil
}

type projectionStream struct {
	e     *ProjectionExec
	ctx   *TaskContext
	input Stream
}

func (s *projectionStream) Next() (arrow.RecordBatch, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.input.Next()
	if err != nil || b == nil {
		return nil, err
	}
	defer b.Release()
	cols, err := opEvalExprs(s.e.exprs, b)
	if err != nil {
		return nil, fmt.Errorf("ProjectionExec: %w", err)
	}
	defer opRelease(cols)
	out, err := opBatch(s.e.schema, cols, b.NumRows())
	if err != nil {
		return nil, fmt.Errorf("ProjectionExec: %w", err)
	}
	return out, nil
}

func (s *projectionStream) Close() { s.input.Close() }

// opEvalExprs evaluates exprs over b, checking each result's length.
func opEvalExprs(exprs []expr.Expr, b arrow.RecordBatch) ([]arrow.Array, error) {
	cols := make([]arrow.Array, len(exprs))
	for i, x := range exprs {
		a, err := x.Eval(b)
		if err != nil {
			opRelease(cols)
			return nil, fmt.Errorf("evaluating %s: %w", x, err)
		}
		if int64(a.Len()) != b.NumRows() {
			a.Release()
			opRelease(cols)
			return nil, fmt.Errorf("evaluating %s: got %d values for %d rows", x, a.Len(), b.NumRows())
		}
		cols[i] = a
	}
	return cols, nil
}

func opRelease(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

// opBatch builds a batch, turning array.NewRecordBatch's panic on
// columns that do not match the schema into an error.
func opBatch(schema *arrow.Schema, cols []arrow.Array, rows int64) (b arrow.RecordBatch, err error) {
	if len(cols) != schema.NumFields() {
		return nil, fmt.Errorf("%d columns for a schema of %d fields", len(cols), schema.NumFields())
	}
	for i, c := range cols {
		if !arrow.TypeEqual(c.DataType(), schema.Field(i).Type) {
			return nil, fmt.Errorf("column %d (%s) has type %s, schema says %s", i, schema.Field(i).Name, c.DataType(), schema.Field(i).Type)
		}
		if int64(c.Len()) != rows {
			return nil, fmt.Errorf("column %d (%s) has %d rows, want %d", i, schema.Field(i).Name, c.Len(), rows)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building batch: %v", r)
		}
	}()
	return array.NewRecordBatch(schema, cols, rows), nil
}
