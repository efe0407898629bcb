package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// UnionExec concatenates its inputs: its partitions are the partitions of
// all inputs in order (input 0's first). No data moves between partitions.
type UnionExec struct {
	inputs []Exec
	schema *arrow.Schema
	parts  []unionPart
}

type unionPart struct{ input, partition int }

// NewUnionExec returns the union of inputs. schema may be nil, meaning the
// first input's schema; every input must have the same column types.
func NewUnionExec(inputs []Exec, schema *arrow.Schema) (*UnionExec, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("UnionExec: no inputs")
	}
	if schema == nil {
		schema = inputs[0].Schema()
	}
	e := &UnionExec{inputs: inputs, schema: schema}
	for i, in := range inputs {
		s := in.Schema()
		if s.NumFields() != schema.NumFields() {
			return nil, fmt.Errorf("UnionExec: input %d has %d columns, want %d", i, s.NumFields(), schema.NumFields())
		}
		for j := 0; j < s.NumFields(); j++ {
			if !arrow.TypeEqual(s.Field(j).Type, schema.Field(j).Type) {
				return nil, fmt.Errorf("UnionExec: input %d column %d (%s) has type %s, want %s",
					i, j, s.Field(j).Name, s.Field(j).Type, schema.Field(j).Type)
			}
		}
		for p := 0; p < in.Partitions(); p++ {
			e.parts = append(e.parts, unionPart{input: i, partition: p})
		}
	}
	return e, nil
}

func (e *UnionExec) Schema() *arrow.Schema { return e.schema }
func (e *UnionExec) Children() []Exec      { return e.inputs }
func (e *UnionExec) Partitions() int       { return len(e.parts) }
func (e *UnionExec) String() string {
	return fmt.Sprintf("UnionExec: inputs=%d partitions=%d", len(e.inputs), len(e.parts))
}

func (e *UnionExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	p := e.parts[partition]
	in, err := e.inputs[p.input].Execute(ctx, p.partition)
	if err != nil {
		return nil, fmt.Errorf("UnionExec input %d: %w", p.input, err)
	}
	return &unionStream{schema: e.schema, input: in, ctx: ctx}, nil
}

type unionStream struct {
	schema *arrow.Schema
	input  Stream
	ctx    *TaskContext
}

func (s *unionStream) Next() (arrow.RecordBatch, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.input.Next()
	if err != nil || b == nil {
		return nil, err
	}
	if b.Schema() != s.schema && !b.Schema().Equal(s.schema) {
		// Same types, different names (or nullability): relabel without copying.
		nb, err := opBatch(s.schema, b.Columns(), b.NumRows())
		b.Release()
		if err != nil {
			return nil, fmt.Errorf("UnionExec: %w", err)
		}
		b = nb
	}
	return b, nil
}

func (s *unionStream) Close() { s.input.Close() }
