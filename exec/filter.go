package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/aloftdb/aloft/exec/expr"
)

// FilterExec keeps the rows where a boolean predicate is true (NULL counts
// as false). Partitioning is the input's.
type FilterExec struct {
	input Exec
	pred  expr.Expr
}

// NewFilterExec returns an Exec filtering input by pred.
func NewFilterExec(input Exec, pred expr.Expr) *FilterExec {
	return &FilterExec{input: input, pred: pred}
}

func (e *FilterExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *FilterExec) Children() []Exec      { return []Exec{e.input} }
func (e *FilterExec) Partitions() int       { return e.input.Partitions() }
func (e *FilterExec) String() string        { return "FilterExec: " + e.pred.String() }

func (e *FilterExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	if e.pred.DataType().ID() != arrow.BOOL {
		return nil, fmt.Errorf("FilterExec: predicate %s has type %s, want boolean", e.pred, e.pred.DataType())
	}
	in, err := e.input.Execute(ctx, partition)
	if err != nil {
		return nil, err
	}
	return &filterStream{e: e, ctx: ctx, input: in, cctx: opComputeCtx(ctx)}, nil
}

type filterStream struct {
	e     *FilterExec
	ctx   *TaskContext
	cctx  context.Context
	input Stream
}

func (s *filterStream) Next() (arrow.RecordBatch, error) {
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.input.Next()
		if err != nil || b == nil {
			return nil, err
		}
		out, err := s.filter(b)
		if err != nil {
			return nil, fmt.Errorf("FilterExec: %w", err)
		}
		if out != nil {
			return out, nil
		}
	}
}

// filter returns the selected rows of b, or nil when none are selected.
func (s *filterStream) filter(b arrow.RecordBatch) (arrow.RecordBatch, error) {
	mask, err := s.e.pred.Eval(b)
	if err != nil {
		b.Release()
		return nil, fmt.Errorf("evaluating %s: %w", s.e.pred, err)
	}
	defer mask.Release()
	bm, ok := mask.(*array.Boolean)
	if !ok || int64(bm.Len()) != b.NumRows() {
		b.Release()
		return nil, fmt.Errorf("predicate %s returned %s of %d rows for %d rows", s.e.pred, mask.DataType(), mask.Len(), b.NumRows())
	}
	n := bm.Len()
	selected := filterCountTrue(bm)
	if selected == 0 {
		b.Release()
		return nil, nil
	}
	if selected == n {
		return b, nil // every row passes: no copy
	}
	defer b.Release()
	return compute.FilterRecordBatch(s.cctx, b, bm, compute.DefaultFilterOptions())
}

func (s *filterStream) Close() { s.input.Close() }

// filterCountTrue counts rows that are true and not NULL.
func filterCountTrue(m *array.Boolean) int {
	n := m.Len()
	if n == 0 {
		return 0
	}
	data := m.Data()
	vals := data.Buffers()[1].Bytes()
	off := data.Offset()
	if m.NullN() == 0 {
		return bitutil.CountSetBits(vals, off, n)
	}
	valid := data.Buffers()[0].Bytes()
	cnt := 0
	for i := 0; i < n; i++ {
		if bitutil.BitIsSet(vals, off+i) && bitutil.BitIsSet(valid, off+i) {
			cnt++
		}
	}
	return cnt
}

// opComputeCtx is the context for arrow compute kernels: the task's
// allocator, and no kernel-internal goroutines, because partitions already
// keep every core busy and per-batch goroutines only add overhead.
func opComputeCtx(ctx *TaskContext) context.Context {
	ec := compute.DefaultExecCtx()
	ec.NumParallel = 1
	c := compute.SetExecCtx(ctx.Ctx, ec)
	if ctx.Alloc != nil {
		c = compute.WithAllocator(c, ctx.Alloc)
	}
	return c
}
