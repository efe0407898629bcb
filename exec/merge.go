package exec

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
)

// SortPreservingMergeExec merges the sorted partitions of its input into one
// sorted partition (k-way merge), optionally stopping after fetch rows.
// Ties between partitions go to the lower partition, so the merge of a
// stable per-partition sort is deterministic.
type SortPreservingMergeExec struct {
	input Exec
	keys  []SortKey
	fetch int64
}

// NewSortPreservingMergeExec returns a merge of input's partitions; fetch < 0 means all rows.
func NewSortPreservingMergeExec(input Exec, keys []SortKey, fetch int64) *SortPreservingMergeExec {
	return &SortPreservingMergeExec{input: input, keys: keys, fetch: fetch}
}

func (e *SortPreservingMergeExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *SortPreservingMergeExec) Children() []Exec      { return []Exec{e.input} }
func (e *SortPreservingMergeExec) Partitions() int       { return 1 }
func (e *SortPreservingMergeExec) Keys() []SortKey       { return e.keys }
func (e *SortPreservingMergeExec) String() string {
	s := "SortPreservingMergeExec: keys=" + sortKeysString(e.keys)
	if e.fetch >= 0 {
		s += fmt.Sprintf(" fetch=%d", e.fetch)
	}
	return s
}

func (e *SortPreservingMergeExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	return &mergeStream{e: e, ctx: ctx, cctx: opComputeCtx(ctx), remaining: e.fetch}, nil
}

// mergeBatch is a batch with its evaluated sort keys.
type mergeBatch struct {
	b    arrow.RecordBatch
	keys []sortCol
	arrs []arrow.Array // key arrays, kept alive with keys
	err  error
}

// mergeCursor is the current position in one input partition.
type mergeCursor struct {
	ch  chan mergeBatch
	cur *mergeBatch
	row int
	id  int // input partition, the tie-breaker
}

type mergeStream struct {
	e         *SortPreservingMergeExec
	ctx       *TaskContext
	cctx      context.Context
	started   bool
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	cursors   []*mergeCursor
	heap      []*mergeCursor
	remaining int64
	done      bool
}

// start runs every input partition on its own goroutine, so the inputs
// (typically SortExecs doing all their work up front) sort in parallel.
func (s *mergeStream) start() {
	s.started = true
	cctx, cancel := context.WithCancel(s.ctx.Ctx)
	s.cancel = cancel
	tc := *s.ctx
	tc.Ctx = cctx
	n := s.e.input.Partitions()
	for p := 0; p < n; p++ {
		c := &mergeCursor{ch: make(chan mergeBatch, 2), id: p}
		s.cursors = append(s.cursors, c)
		s.wg.Add(1)
		go s.produce(&tc, p, c.ch)
	}
}

func (s *mergeStream) produce(ctx *TaskContext, p int, ch chan<- mergeBatch) {
	defer s.wg.Done()
	defer close(ch)
	send := func(m mergeBatch) bool {
		select {
		case ch <- m:
			return true
		case <-ctx.Ctx.Done():
			return false
		}
	}
	defer func() {
		if r := recover(); r != nil {
			send(mergeBatch{err: fmt.Errorf("SortPreservingMergeExec: partition %d: internal error: %v", p, r)})
		}
	}()
	in, err := s.e.input.Execute(ctx, p)
	if err != nil {
		send(mergeBatch{err: err})
		return
	}
	defer in.Close()
	for {
		if err := ctx.Err(); err != nil {
			return
		}
		b, err := in.Next()
		if err != nil {
			send(mergeBatch{err: err})
			return
		}
		if b == nil {
			return
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		m := mergeBatch{b: b}
		for _, k := range s.e.keys {
			a, err := k.Expr.Eval(b)
			if err == nil {
				m.arrs = append(m.arrs, a)
				var c sortCol
				c, err = newSortCol(a, k)
				m.keys = append(m.keys, c)
			}
			if err != nil {
				b.Release()
				opRelease(m.arrs)
				send(mergeBatch{err: fmt.Errorf("SortPreservingMergeExec: key %s: %w", k.Expr, err)})
				return
			}
		}
		if !send(m) {
			b.Release()
			opRelease(m.arrs)
			return
		}
	}
}

// advance loads the cursor's next batch; false when the partition is done.
func (s *mergeStream) advance(c *mergeCursor) (bool, error) {
	if c.cur != nil {
		c.cur.b.Release()
		opRelease(c.cur.arrs)
		c.cur = nil
	}
	select {
	case m, ok := <-c.ch:
		if !ok {
			return false, nil
		}
		if m.err != nil {
			return false, m.err
		}
		c.cur, c.row = &m, 0
		return true, nil
	case <-s.ctx.Ctx.Done():
		return false, s.ctx.Err()
	}
}

func (s *mergeStream) less(a, b *mergeCursor) bool {
	if c := sortCmpRows(a.cur.keys, a.row, b.cur.keys, b.row); c != 0 {
		return c < 0
	}
	return a.id < b.id
}

func (s *mergeStream) down(i int) {
	h := s.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && s.less(h[r], h[l]) {
			m = r
		}
		if !s.less(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (s *mergeStream) Next() (arrow.RecordBatch, error) {
	if s.done || s.remaining == 0 {
		return nil, nil
	}
	if !s.started {
		s.start()
		for _, c := range s.cursors {
			ok, err := s.advance(c)
			if err != nil {
				return nil, err
			}
			if ok {
				s.heap = append(s.heap, c)
			}
		}
		for i := len(s.heap)/2 - 1; i >= 0; i-- {
			s.down(i)
		}
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	limit := s.ctx.BatchSize
	if s.remaining >= 0 && int64(limit) > s.remaining {
		limit = int(s.remaining)
	}
	// Pick rows as (source batch, row) pairs; the output is gathered from
	// the source batches at the end. Source batches are kept alive by
	// refs until then.
	var (
		srcs []arrow.RecordBatch
		ids  = map[arrow.RecordBatch]int{}
		src  []int32
		rows []int32
	)
	for len(rows) < limit && len(s.heap) > 0 {
		c := s.heap[0]
		id, ok := ids[c.cur.b]
		if !ok {
			id = len(srcs)
			ids[c.cur.b] = id
			c.cur.b.Retain()
			srcs = append(srcs, c.cur.b)
		}
		src = append(src, int32(id))
		rows = append(rows, int32(c.row))
		c.row++
		if c.row >= int(c.cur.b.NumRows()) {
			ok, err := s.advance(c)
			if err != nil {
				opReleaseBatches(srcs)
				return nil, err
			}
			if !ok {
				last := len(s.heap) - 1
				s.heap[0] = s.heap[last]
				s.heap = s.heap[:last]
			}
		}
		if len(s.heap) > 0 {
			s.down(0)
		}
	}
	defer opReleaseBatches(srcs)
	if len(rows) == 0 {
		s.done = true
		s.shutdown()
		return nil, nil
	}
	if s.remaining > 0 {
		s.remaining -= int64(len(rows))
	}
	out, err := mergeGather(s.cctx, s.e.Schema(), srcs, src, rows)
	if err != nil {
		return nil, fmt.Errorf("SortPreservingMergeExec: %w", err)
	}
	return out, nil
}

// mergeGather builds a batch of rows[i] of srcs[src[i]].
func mergeGather(ctx context.Context, schema *arrow.Schema, srcs []arrow.RecordBatch, src, rows []int32) (arrow.RecordBatch, error) {
	n := int64(len(rows))
	if len(srcs) == 1 {
		// One source: a contiguous run is a zero-copy slice.
		first := int64(rows[0])
		if int64(rows[len(rows)-1])-first == n-1 {
			return srcs[0].NewSlice(first, first+n), nil
		}
		cols, err := sortTake(ctx, srcs[0].Columns(), rows)
		if err != nil {
			return nil, err
		}
		defer opRelease(cols)
		return opBatch(schema, cols, n)
	}
	// Several sources: concatenate them and take with shifted indices.
	base := make([]int32, len(srcs))
	var total int32
	for i, b := range srcs {
		base[i] = total
		total += int32(b.NumRows())
	}
	idx := make([]int32, len(rows))
	for i := range rows {
		idx[i] = base[src[i]] + rows[i]
	}
	ncols := schema.NumFields()
	cols := make([]arrow.Array, ncols)
	defer opRelease(cols)
	parts := make([]arrow.Array, len(srcs))
	for c := 0; c < ncols; c++ {
		for i, b := range srcs {
			parts[i] = b.Column(c)
		}
		all, err := array.Concatenate(parts, compute.GetAllocator(ctx))
		if err != nil {
			return nil, fmt.Errorf("concatenating batches: %w", err)
		}
		t, err := sortTake(ctx, []arrow.Array{all}, idx)
		all.Release()
		if err != nil {
			return nil, err
		}
		cols[c] = t[0]
	}
	return opBatch(schema, cols, n)
}

func opReleaseBatches(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// shutdown stops the producers and drops what they buffered.
func (s *mergeStream) shutdown() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	for _, c := range s.cursors {
		if c.cur != nil {
			c.cur.b.Release()
			opRelease(c.cur.arrs)
			c.cur = nil
		}
		for m := range c.ch {
			if m.b != nil {
				m.b.Release()
				opRelease(m.arrs)
			}
		}
	}
	s.wg.Wait()
	s.cancel = nil
}

func (s *mergeStream) Close() { s.shutdown() }
