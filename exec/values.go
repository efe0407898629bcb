package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// ValuesExec produces fixed batches as a single partition.
type ValuesExec struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	rows    int64
}

// NewValuesExec returns an Exec producing batches (zero batches allowed).
func NewValuesExec(schema *arrow.Schema, batches []arrow.RecordBatch) *ValuesExec {
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	return &ValuesExec{schema: schema, batches: batches, rows: rows}
}

func (e *ValuesExec) Schema() *arrow.Schema { return e.schema }
func (e *ValuesExec) Children() []Exec      { return nil }
func (e *ValuesExec) Partitions() int       { return 1 }
func (e *ValuesExec) String() string {
	return fmt.Sprintf("ValuesExec: batches=%d rows=%d", len(e.batches), e.rows)
}

func (e *ValuesExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	return &valuesStream{e: e, ctx: ctx}, nil
}

type valuesStream struct {
	e   *ValuesExec
	ctx *TaskContext
	i   int
}

func (s *valuesStream) Next() (arrow.RecordBatch, error) {
	for s.i < len(s.e.batches) {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		b := s.e.batches[s.i]
		s.i++
		if b.NumRows() == 0 {
			continue
		}
		// The same batch is handed to every execution; retaining it keeps
		// a caller's optional Release from freeing what the plan still holds.
		b.Retain()
		if b.Schema() != s.e.schema {
			nb, err := opBatch(s.e.schema, b.Columns(), b.NumRows())
			b.Release()
			if err != nil {
				return nil, fmt.Errorf("ValuesExec: %w", err)
			}
			b = nb
		}
		return b, nil
	}
	return nil, nil
}

func (s *valuesStream) Close() {}
