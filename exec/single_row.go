package exec

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrSubqueryMoreThanOneRow is MySQL's error 1242 for a scalar subquery that
// returns several rows.
var ErrSubqueryMoreThanOneRow = errors.New("Subquery returns more than 1 row")

// EnforceSingleRowExec returns the at most one row of its single input
// partition and fails with ErrSubqueryMoreThanOneRow when there are more.
type EnforceSingleRowExec struct {
	input Exec
	keys  []int // per-key check when non-empty: column indices
}

// NewEnforceSingleRowExec returns the check over a single-partition input.
func NewEnforceSingleRowExec(input Exec) *EnforceSingleRowExec {
	return &EnforceSingleRowExec{input: input}
}

// NewEnforceSingleRowPerKeyExec returns the check that no two rows of its
// single-partition input have the same values (NULLs equal) in the key
// columns; rows pass through as they come.
func NewEnforceSingleRowPerKeyExec(input Exec, keys []int) *EnforceSingleRowExec {
	return &EnforceSingleRowExec{input: input, keys: keys}
}

func (e *EnforceSingleRowExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *EnforceSingleRowExec) Children() []Exec      { return []Exec{e.input} }
func (e *EnforceSingleRowExec) Partitions() int       { return 1 }
func (e *EnforceSingleRowExec) String() string {
	if len(e.keys) == 0 {
		return "EnforceSingleRowExec"
	}
	return fmt.Sprintf("EnforceSingleRowExec: keys=%v", e.keys)
}

func (e *EnforceSingleRowExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	if n := e.input.Partitions(); n != 1 {
		return nil, fmt.Errorf("EnforceSingleRowExec: input has %d partitions, want 1 (coalesce first)", n)
	}
	in, err := e.input.Execute(ctx, 0)
	if err != nil {
		return nil, err
	}
	if len(e.keys) > 0 {
		return &perKeyStream{ctx: ctx, input: in, keys: e.keys, seen: map[string]bool{}}, nil
	}
	return &singleRowStream{ctx: ctx, input: in}, nil
}

type perKeyStream struct {
	ctx   *TaskContext
	input Stream
	keys  []int
	seen  map[string]bool
	buf   []byte
}

func (s *perKeyStream) Next() (arrow.RecordBatch, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.input.Next()
	if err != nil || b == nil {
		return b, err
	}
	for r := 0; r < int(b.NumRows()); r++ {
		s.buf = s.buf[:0]
		for _, k := range s.keys {
			col := b.Column(k)
			if col.IsNull(r) {
				s.buf = append(s.buf, 0)
			} else {
				v := col.ValueStr(r)
				s.buf = append(s.buf, 1)
				s.buf = append(s.buf, byte(len(v)), byte(len(v)>>8), byte(len(v)>>16), byte(len(v)>>24))
				s.buf = append(s.buf, v...)
			}
		}
		if s.seen[string(s.buf)] {
			return nil, ErrSubqueryMoreThanOneRow
		}
		s.seen[string(s.buf)] = true
	}
	return b, nil
}

func (s *perKeyStream) Close() { s.input.Close() }

type singleRowStream struct {
	ctx   *TaskContext
	input Stream
	done  bool
}

func (s *singleRowStream) Next() (arrow.RecordBatch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	var row arrow.RecordBatch
	var rows int64
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.input.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		if b.NumRows() == 0 {
			continue
		}
		rows += b.NumRows()
		if rows > 1 {
			return nil, ErrSubqueryMoreThanOneRow
		}
		row = b
	}
	return row, nil
}

func (s *singleRowStream) Close() { s.input.Close() }
