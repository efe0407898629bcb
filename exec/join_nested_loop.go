package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// NestedLoopJoinExec joins without equi-keys (cross joins, non-equi
// conditions): the right side is collected once (memory reserved) and
// shared by all output partitions; every left batch is paired with all
// right rows, in chunks, and the filter (nil = true) decides.
type NestedLoopJoinExec struct {
	left, right Exec
	kind        logical.JoinKind
	filter      expr.Expr
	markName    string
	schema      *arrow.Schema
	pairSchema  *arrow.Schema
	shared      *OncePerTask[*joinNLRight]
}

// joinNLRight is the collected right side.
type joinNLRight struct {
	cols []arrow.Array
	rows int
	res  *Reservation
}

// NewNestedLoopJoinExec supports Inner, Left, Semi, Anti and LeftMark
// (mark TRUE when the filter is TRUE for some pair, else NULL when it is
// NULL for some pair, else FALSE). Output partitions = left.Partitions().
func NewNestedLoopJoinExec(left, right Exec, kind logical.JoinKind, filter expr.Expr, markName string) (*NestedLoopJoinExec, error) {
	switch kind {
	case logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinLeftMark:
	default:
		return nil, fmt.Errorf("NestedLoopJoinExec: unsupported join kind %s", kind)
	}
	e := &NestedLoopJoinExec{
		left: left, right: right, kind: kind, filter: filter, markName: markName,
		schema:     joinOutputSchema(left.Schema(), right.Schema(), kind, markName),
		pairSchema: joinOutputSchema(left.Schema(), right.Schema(), logical.JoinInner, ""),
	}
	e.shared = NewOncePerTask(left.Partitions(), func(r *joinNLRight) { r.res.Free() })
	return e, nil
}

func (e *NestedLoopJoinExec) Schema() *arrow.Schema  { return e.schema }
func (e *NestedLoopJoinExec) Children() []Exec       { return []Exec{e.left, e.right} }
func (e *NestedLoopJoinExec) Partitions() int        { return e.left.Partitions() }
func (e *NestedLoopJoinExec) Kind() logical.JoinKind { return e.kind }
func (e *NestedLoopJoinExec) Filter() expr.Expr      { return e.filter }
func (e *NestedLoopJoinExec) MarkName() string       { return e.markName }

func (e *NestedLoopJoinExec) String() string {
	s := fmt.Sprintf("NestedLoopJoinExec: kind=%s", e.kind)
	if e.filter != nil {
		s += " filter=" + e.filter.String()
	}
	if e.kind == logical.JoinLeftMark {
		s += " mark=" + e.markName
	}
	return s
}

func (e *NestedLoopJoinExec) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(e, p); err != nil {
		return nil, err
	}
	left, err := e.left.Execute(ctx, p)
	if err != nil {
		e.shared.Release(ctx)
		return nil, err
	}
	bs := ctx.BatchSize
	if bs <= 0 {
		bs = DefaultBatchSize
	}
	return &joinNLStream{e: e, ctx: ctx, left: left, batchSize: bs}, nil
}

type joinNLStream struct {
	e         *NestedLoopJoinExec
	ctx       *TaskContext
	left      Stream
	batchSize int
	right     *joinNLRight
	released  bool
	done      bool

	batch   arrow.RecordBatch
	next    int    // next right row to pair with the batch
	matched []bool // per left row: the filter was TRUE for some pair
	sawNull []bool // per left row: the filter was NULL for some pair
}

func (s *joinNLStream) Close() {
	if s.left != nil {
		s.left.Close()
		s.left = nil
	}
	if !s.released {
		s.released = true
		s.e.shared.Release(s.ctx)
	}
}

func (s *joinNLStream) Next() (arrow.RecordBatch, error) {
	if s.done || s.released {
		return nil, nil
	}
	if s.right == nil {
		parts := make([]int, s.e.right.Partitions())
		for i := range parts {
			parts[i] = i
		}
		r, err := s.e.shared.Get(s.ctx, func() (*joinNLRight, error) {
			res := s.ctx.Memory.NewReservation("NestedLoopJoinExec")
			c, err := joinCollect(s.ctx, s.e.right, parts, nil, res)
			if err != nil {
				res.Free()
				return nil, fmt.Errorf("NestedLoopJoinExec right side: %w", err)
			}
			return &joinNLRight{cols: c.cols, rows: c.rows, res: res}, nil
		})
		if err != nil {
			return nil, err
		}
		s.right = r
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if s.batch == nil {
			if s.right.rows == 0 && (s.e.kind == logical.JoinInner || s.e.kind == logical.JoinSemi) {
				s.done = true
				return nil, nil
			}
			b, err := s.left.Next()
			if err != nil {
				return nil, err
			}
			if b == nil {
				s.done = true
				return nil, nil
			}
			n := int(b.NumRows())
			if n == 0 {
				continue
			}
			s.batch, s.next = b, 0
			s.matched = joinResetBools(s.matched, n)
			s.sawNull = joinResetBools(s.sawNull, n)
		}
		out, err := s.step()
		if err != nil {
			return nil, err
		}
		if out != nil {
			return out, nil
		}
	}
}

func joinResetBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// step pairs the batch with the next chunk of right rows. Pairs are
// enumerated right-major: with k right rows per chunk the left columns
// are the batch itself (k = 1) or the batch tiled k times, so a small
// right side (a scalar subquery's one row) costs no left gather at all.
// It returns an output batch, or nil with s.batch reset when done.
func (s *joinNLStream) step() (arrow.RecordBatch, error) {
	n := int(s.batch.NumRows())
	rows := s.right.rows
	for s.next < rows {
		// One left batch against a big right side can take long without
		// emitting anything (semi/anti joins, selective filters): check for
		// cancellation between chunks, not only between batches.
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		k := max(1, s.batchSize/n)
		k = min(k, rows-s.next)
		first := s.next
		s.next += k
		out, err := s.pairChunk(first, k)
		if err != nil {
			return nil, err
		}
		if out != nil {
			return out, nil
		}
		if s.e.kind == logical.JoinSemi || s.e.kind == logical.JoinAnti || s.e.kind == logical.JoinLeftMark {
			if joinAllTrue(s.matched) {
				s.next = rows // the answer for every row is known
			}
		}
	}
	out, err := s.finish()
	s.batch = nil
	return out, err
}

func joinAllTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}

// pairChunk evaluates batch × right rows [first, first+k).
func (s *joinNLStream) pairChunk(first, k int) (arrow.RecordBatch, error) {
	n := int(s.batch.NumRows())
	if s.e.filter == nil && !joinEmitsPairs(s.e.kind) {
		for r := range s.matched {
			s.matched[r] = true // any right row matches
		}
		return nil, nil
	}
	total := n * k
	var leftCols []arrow.Array
	if k == 1 {
		leftCols = s.batch.Columns()
	} else {
		li := make([]int32, total)
		for j := 0; j < k; j++ {
			for r := 0; r < n; r++ {
				li[j*n+r] = int32(r)
			}
		}
		var err error
		if leftCols, err = joinTakeAll(s.batch.Columns(), li, nil); err != nil {
			return nil, fmt.Errorf("NestedLoopJoinExec: %w", err)
		}
	}
	ri := make([]int32, total)
	for j := 0; j < k; j++ {
		for r := 0; r < n; r++ {
			ri[j*n+r] = int32(first + j)
		}
	}
	cols := append(make([]arrow.Array, 0, s.e.pairSchema.NumFields()), leftCols...)
	cols, err := joinTakeAll(s.right.cols, ri, cols)
	if err != nil {
		return nil, fmt.Errorf("NestedLoopJoinExec: %w", err)
	}
	if s.e.filter == nil {
		for r := range s.matched {
			s.matched[r] = true
		}
		if !joinEmitsPairs(s.e.kind) {
			return nil, nil
		}
		return array.NewRecordBatch(s.e.schema, cols, int64(total)), nil
	}
	pb := array.NewRecordBatch(s.e.pairSchema, cols, int64(total))
	keep := make([]bool, total)
	for i := range keep {
		keep[i] = true
	}
	isNull := make([]bool, total)
	all, err := joinEvalPredicate(s.e.filter, pb, keep, isNull)
	if err != nil {
		return nil, fmt.Errorf("NestedLoopJoinExec: evaluating filter %s: %w", s.e.filter, err)
	}
	var pos []int32
	for p, ok := range keep {
		r := p % n
		if ok {
			s.matched[r] = true
			pos = append(pos, int32(p))
		} else if isNull[p] {
			s.sawNull[r] = true
		}
	}
	if !joinEmitsPairs(s.e.kind) || len(pos) == 0 {
		return nil, nil
	}
	if all {
		return array.NewRecordBatch(s.e.schema, cols, int64(total)), nil
	}
	out, err := joinTakeAll(cols, pos, nil)
	if err != nil {
		return nil, fmt.Errorf("NestedLoopJoinExec: %w", err)
	}
	return array.NewRecordBatch(s.e.schema, out, int64(len(pos))), nil
}

// finish emits what depends on all pairs of the batch.
func (s *joinNLStream) finish() (arrow.RecordBatch, error) {
	var rows []int32
	switch s.e.kind {
	case logical.JoinInner:
		return nil, nil
	case logical.JoinLeft:
		for r, m := range s.matched {
			if !m {
				rows = append(rows, int32(r))
			}
		}
		if len(rows) == 0 {
			return nil, nil
		}
		cols, err := joinTakeAll(s.batch.Columns(), rows, nil)
		if err != nil {
			return nil, fmt.Errorf("NestedLoopJoinExec: %w", err)
		}
		cols = joinNullColumns(s.e.right.Schema().Fields(), len(rows), cols)
		return array.NewRecordBatch(s.e.schema, cols, int64(len(rows))), nil
	case logical.JoinSemi, logical.JoinAnti:
		want := s.e.kind == logical.JoinSemi
		for r, m := range s.matched {
			if m == want {
				rows = append(rows, int32(r))
			}
		}
		return joinLeftRows(s.e.schema, s.batch, rows, nil)
	}
	mb := array.NewBooleanBuilder(joinAlloc(s.ctx))
	defer mb.Release()
	mb.Reserve(len(s.matched))
	for r, m := range s.matched {
		switch {
		case m:
			mb.UnsafeAppend(true)
		case s.sawNull[r]:
			mb.UnsafeAppendBoolToBitmap(false)
		default:
			mb.UnsafeAppend(false)
		}
	}
	return joinLeftRows(s.e.schema, s.batch, nil, mb.NewArray())
}
