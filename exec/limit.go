package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// LimitExec skips offset rows of its single input partition, then returns at
// most count rows (count < 0: no limit). It stops pulling input once done.
type LimitExec struct {
	input         Exec
	offset, count int64
}

// NewLimitExec returns a global limit over a single-partition input.
func NewLimitExec(input Exec, offset, count int64) *LimitExec {
	if offset < 0 {
		offset = 0
	}
	return &LimitExec{input: input, offset: offset, count: count}
}

func (e *LimitExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *LimitExec) Children() []Exec      { return []Exec{e.input} }
func (e *LimitExec) Partitions() int       { return 1 }
func (e *LimitExec) String() string {
	return fmt.Sprintf("LimitExec: offset=%d count=%d", e.offset, e.count)
}

func (e *LimitExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	if n := e.input.Partitions(); n != 1 {
		return nil, fmt.Errorf("LimitExec: input has %d partitions, want 1 (coalesce or merge first)", n)
	}
	in, err := e.input.Execute(ctx, 0)
	if err != nil {
		return nil, err
	}
	return &limitStream{ctx: ctx, input: in, skip: e.offset, remaining: e.count}, nil
}

// LocalLimitExec keeps at most count rows of each partition; it sits below a
// global LimitExec so partitions stop early.
type LocalLimitExec struct {
	input Exec
	count int64
}

// NewLocalLimitExec returns a per-partition limit.
func NewLocalLimitExec(input Exec, count int64) *LocalLimitExec {
	return &LocalLimitExec{input: input, count: count}
}

func (e *LocalLimitExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *LocalLimitExec) Children() []Exec      { return []Exec{e.input} }
func (e *LocalLimitExec) Partitions() int       { return e.input.Partitions() }
func (e *LocalLimitExec) String() string        { return fmt.Sprintf("LocalLimitExec: count=%d", e.count) }

func (e *LocalLimitExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	in, err := e.input.Execute(ctx, partition)
	if err != nil {
		return nil, err
	}
	return &limitStream{ctx: ctx, input: in, remaining: e.count}, nil
}

type limitStream struct {
	ctx       *TaskContext
	input     Stream
	skip      int64
	remaining int64 // < 0: unlimited
}

func (s *limitStream) Next() (arrow.RecordBatch, error) {
	for {
		if s.remaining == 0 {
			return nil, nil
		}
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.input.Next()
		if err != nil || b == nil {
			return nil, err
		}
		n := b.NumRows()
		start := int64(0)
		if s.skip > 0 {
			if s.skip >= n {
				s.skip -= n
				b.Release()
				continue
			}
			start, s.skip = s.skip, 0
		}
		end := n
		if s.remaining >= 0 && end-start > s.remaining {
			end = start + s.remaining
		}
		if s.remaining >= 0 {
			s.remaining -= end - start
		}
		if start == 0 && end == n {
			return b, nil
		}
		out := b.NewSlice(start, end)
		b.Release()
		if out.NumRows() == 0 {
			continue
		}
		return out, nil
	}
}

func (s *limitStream) Close() { s.input.Close() }
