package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
)

// SortKey is one ORDER BY term.
type SortKey struct {
	Expr       expr.Expr
	Desc       bool
	NullsFirst bool
}

func (k SortKey) String() string {
	s := k.Expr.String()
	if k.Desc {
		s += " DESC"
	} else {
		s += " ASC"
	}
	if k.NullsFirst {
		return s + " NULLS FIRST"
	}
	return s + " NULLS LAST"
}

func sortKeysString(keys []SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// SortExec sorts each input partition independently. With fetch >= 0 it
// keeps only the first fetch rows of each partition (top-N), filtering
// incoming rows against the current N-th row so it never sorts the input.
type SortExec struct {
	input Exec
	keys  []SortKey
	fetch int64
}

// NewSortExec returns a per-partition sort; fetch < 0 means no limit.
func NewSortExec(input Exec, keys []SortKey, fetch int64) *SortExec {
	return &SortExec{input: input, keys: keys, fetch: fetch}
}

func (e *SortExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *SortExec) Children() []Exec      { return []Exec{e.input} }
func (e *SortExec) Partitions() int       { return e.input.Partitions() }
func (e *SortExec) Keys() []SortKey       { return e.keys }
func (e *SortExec) Fetch() int64          { return e.fetch }
func (e *SortExec) String() string {
	s := "SortExec: keys=" + sortKeysString(e.keys)
	if e.fetch >= 0 {
		s += fmt.Sprintf(" fetch=%d", e.fetch)
	}
	return s
}

func (e *SortExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	in, err := e.input.Execute(ctx, partition)
	if err != nil {
		return nil, err
	}
	return &sortStream{
		e: e, ctx: ctx, cctx: opComputeCtx(ctx), input: in,
		res:    ctx.Memory.NewReservation(fmt.Sprintf("SortExec[%d]", partition)),
		nData:  e.input.Schema().NumFields(),
		schema: e.input.Schema(),
	}, nil
}

// sortRun is buffered rows: the data columns followed by the key columns.
type sortRun struct {
	cols []arrow.Array
	rows int
}

type sortStream struct {
	e      *SortExec
	ctx    *TaskContext
	cctx   context.Context
	input  Stream
	res    *Reservation
	nData  int
	schema *arrow.Schema

	runs    []sortRun
	rows    int
	bytes   int64
	bound   []sortCol // key columns of the current N-th row's run (top-N)
	boundAt int

	sorted bool
	out    sortRun // all rows, in order when perm is nil
	perm   []int32
	pos    int
}

func (s *sortStream) Next() (arrow.RecordBatch, error) {
	if !s.sorted {
		if err := s.consume(); err != nil {
			return nil, err
		}
		s.sorted = true
	}
	n := s.out.rows
	if s.perm != nil {
		n = len(s.perm)
	}
	if s.pos >= n {
		s.release()
		return nil, nil
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	end := min(s.pos+s.ctx.BatchSize, n)
	var cols []arrow.Array
	if s.perm == nil {
		cols = make([]arrow.Array, s.nData)
		for i := range cols {
			cols[i] = array.NewSlice(s.out.cols[i], int64(s.pos), int64(end))
		}
	} else {
		var err error
		cols, err = sortTake(s.cctx, s.out.cols[:s.nData], s.perm[s.pos:end])
		if err != nil {
			return nil, fmt.Errorf("SortExec: %w", err)
		}
	}
	defer opRelease(cols)
	b, err := opBatch(s.schema, cols, int64(end-s.pos))
	if err != nil {
		return nil, fmt.Errorf("SortExec: %w", err)
	}
	s.pos = end
	return b, nil
}

// consume reads the whole input and leaves the ordered rows in out/perm.
func (s *sortStream) consume() error {
	fetch := s.e.fetch
	if fetch == 0 {
		return nil
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		b, err := s.input.Next()
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		if err := s.add(b); err != nil {
			return err
		}
		// Compacting keeps the buffer near fetch rows; the slack amortises
		// the sort of the candidates over many input rows.
		if fetch > 0 && int64(s.rows) >= max(2*fetch, fetch+1024) {
			if err := s.compact(); err != nil {
				return err
			}
		}
	}
	run, err := s.concat()
	if err != nil {
		return err
	}
	keys, err := s.keyCols(run)
	if err != nil {
		return err
	}
	perm := sortPermutation(keys, run.rows)
	if fetch > 0 && int64(len(perm)) > fetch {
		perm = perm[:fetch]
	}
	s.out, s.perm = run, perm
	return nil
}

// add buffers one input batch (top-N: only the rows that beat the bound).
func (s *sortStream) add(b arrow.RecordBatch) error {
	defer b.Release()
	if b.NumRows() == 0 {
		return nil
	}
	cols := make([]arrow.Array, 0, s.nData+len(s.e.keys))
	for _, c := range b.Columns() {
		c.Retain()
		cols = append(cols, c)
	}
	for _, k := range s.e.keys {
		a, err := k.Expr.Eval(b)
		if err != nil {
			opRelease(cols)
			return fmt.Errorf("SortExec: evaluating %s: %w", k.Expr, err)
		}
		cols = append(cols, a)
	}
	run := sortRun{cols: cols, rows: int(b.NumRows())}
	if s.bound != nil {
		keys, err := s.keyCols(run)
		if err != nil {
			opRelease(cols)
			return err
		}
		var sel []int32
		for i := 0; i < run.rows; i++ {
			// Rows equal to the bound lose: the bound arrived first.
			if sortCmpRows(keys, i, s.bound, s.boundAt) < 0 {
				sel = append(sel, int32(i))
			}
		}
		if len(sel) == 0 {
			opRelease(cols)
			return nil
		}
		if len(sel) < run.rows {
			taken, err := sortTake(s.cctx, cols, sel)
			opRelease(cols)
			if err != nil {
				return fmt.Errorf("SortExec: %w", err)
			}
			run = sortRun{cols: taken, rows: len(sel)}
		}
	}
	size := opArraysBytes(run.cols)
	if err := s.res.Grow(size); err != nil {
		opRelease(run.cols)
		return err
	}
	s.bytes += size
	s.runs = append(s.runs, run)
	s.rows += run.rows
	return nil
}

// compact keeps only the best fetch buffered rows and makes the last of
// them the bound that later rows must beat.
func (s *sortStream) compact() error {
	run, err := s.concat()
	if err != nil {
		return err
	}
	keys, err := s.keyCols(run)
	if err != nil {
		opRelease(run.cols)
		return err
	}
	perm := sortPermutation(keys, run.rows)
	if int64(len(perm)) > s.e.fetch {
		perm = perm[:s.e.fetch]
	}
	taken, err := sortTake(s.cctx, run.cols, perm)
	opRelease(run.cols)
	if err != nil {
		return fmt.Errorf("SortExec: %w", err)
	}
	top := sortRun{cols: taken, rows: len(perm)}
	s.bound = nil
	s.runs = []sortRun{top}
	s.rows = top.rows
	s.bytes = opArraysBytes(top.cols)
	if err := s.res.Resize(s.bytes); err != nil {
		return err
	}
	if int64(top.rows) == s.e.fetch {
		if s.bound, err = s.keyCols(top); err != nil {
			return err
		}
		s.boundAt = top.rows - 1
	}
	return nil
}

// concat merges the buffered runs into one (the runs are consumed).
func (s *sortStream) concat() (sortRun, error) {
	runs := s.runs
	s.runs = nil
	s.rows = 0
	ncols := s.nData + len(s.e.keys)
	if len(runs) == 1 {
		return runs[0], nil
	}
	out := sortRun{cols: make([]arrow.Array, ncols)}
	if len(runs) == 0 {
		for i := range out.cols {
			out.cols[i] = array.MakeArrayOfNull(s.ctx.Alloc, s.colType(i), 0)
		}
		return out, nil
	}
	parts := make([]arrow.Array, len(runs))
	for i := 0; i < ncols; i++ {
		for r := range runs {
			parts[r] = runs[r].cols[i]
		}
		c, err := array.Concatenate(parts, s.ctx.Alloc)
		if err != nil {
			opRelease(out.cols)
			return sortRun{}, fmt.Errorf("SortExec: concatenating batches: %w", err)
		}
		out.cols[i] = c
	}
	for _, r := range runs {
		out.rows += r.rows
		opRelease(r.cols)
	}
	return out, nil
}

func (s *sortStream) colType(i int) arrow.DataType {
	if i < s.nData {
		return s.schema.Field(i).Type
	}
	return s.e.keys[i-s.nData].Expr.DataType()
}

func (s *sortStream) keyCols(run sortRun) ([]sortCol, error) {
	keys := make([]sortCol, len(s.e.keys))
	for i, k := range s.e.keys {
		c, err := newSortCol(run.cols[s.nData+i], k)
		if err != nil {
			return nil, fmt.Errorf("SortExec: key %s: %w", k.Expr, err)
		}
		keys[i] = c
	}
	return keys, nil
}

func (s *sortStream) release() {
	if s.out.cols != nil {
		opRelease(s.out.cols)
		s.out = sortRun{}
	}
	for _, r := range s.runs {
		opRelease(r.cols)
	}
	s.runs, s.perm, s.bound = nil, nil, nil
	s.res.Free()
}

func (s *sortStream) Close() {
	s.release()
	s.input.Close()
}

// sortTake gathers rows idx of every column.
func sortTake(ctx context.Context, cols []arrow.Array, idx []int32) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		t, err := sortGather(ctx, c, idx)
		if err != nil {
			opRelease(out)
			return nil, fmt.Errorf("gathering rows: %w", err)
		}
		out[i] = t
	}
	return out, nil
}

// sortIndexArray wraps idx as an Int32 array without copying.
func sortIndexArray(idx []int32) arrow.Array {
	var buf *memory.Buffer
	if len(idx) > 0 {
		buf = memory.NewBufferBytes(arrow.GetBytes(idx))
	}
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(idx), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// opArraysBytes estimates the memory held by arrays (buffer sizes; slices
// sharing a buffer are counted whole, which errs on the safe side).
func opArraysBytes(cols []arrow.Array) int64 {
	var n int64
	for _, c := range cols {
		n += opDataBytes(c.Data())
	}
	return n
}

func opDataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += opDataBytes(c)
	}
	// Dictionary returns a typed nil for non-dictionary arrays, so ask the type.
	if d.DataType().ID() == arrow.DICTIONARY {
		n += opDataBytes(d.Dictionary())
	}
	return n
}

// sortGather gathers rows idx of col. Fixed-width and string columns use
// plain typed loops (several times faster than the generic take kernel for
// the random access patterns sorting produces); other types fall back to
// arrow's take.
func sortGather(ctx context.Context, col arrow.Array, idx []int32) (arrow.Array, error) {
	d := col.Data()
	if d.Offset() == 0 && len(d.Buffers()) >= 2 {
		switch col.DataType().ID() {
		case arrow.INT8, arrow.UINT8:
			return sortGatherFixed[uint8](col, idx), nil
		case arrow.INT16, arrow.UINT16:
			return sortGatherFixed[uint16](col, idx), nil
		case arrow.INT32, arrow.UINT32, arrow.FLOAT32, arrow.DATE32, arrow.TIME32:
			return sortGatherFixed[uint32](col, idx), nil
		case arrow.INT64, arrow.UINT64, arrow.FLOAT64, arrow.DATE64, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION:
			return sortGatherFixed[uint64](col, idx), nil
		case arrow.DECIMAL128:
			return sortGatherFixed[decimal128.Num](col, idx), nil
		case arrow.STRING, arrow.BINARY:
			return sortGatherString(col, idx), nil
		}
	}
	ia := sortIndexArray(idx)
	defer ia.Release()
	return compute.TakeArrayOpts(ctx, col, ia, compute.TakeOptions{BoundsCheck: false})
}

// sortGatherValidity builds the validity bitmap of the gathered rows.
func sortGatherValidity(col arrow.Array, idx []int32) (*memory.Buffer, int) {
	if col.NullN() == 0 {
		return nil, 0
	}
	src := col.Data().Buffers()[0].Bytes()
	bm := make([]byte, bitutil.BytesForBits(int64(len(idx))))
	nulls := 0
	for i, r := range idx {
		if bitutil.BitIsSet(src, int(r)) {
			bitutil.SetBit(bm, i)
		} else {
			nulls++
		}
	}
	return memory.NewBufferBytes(bm), nulls
}

func sortGatherFixed[T arrow.FixedWidthType](col arrow.Array, idx []int32) arrow.Array {
	var src []T
	if col.Len() > 0 {
		src = arrow.GetValues[T](col.Data(), 1)
	}
	out := make([]T, len(idx))
	for i, r := range idx {
		out[i] = src[r]
	}
	validity, nulls := sortGatherValidity(col, idx)
	d := array.NewData(col.DataType(), len(idx), []*memory.Buffer{validity, memory.NewBufferBytes(arrow.GetBytes(out))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func sortGatherString(col arrow.Array, idx []int32) arrow.Array {
	d := col.Data()
	var offs []int32
	var data []byte
	if col.Len() > 0 {
		offs = arrow.GetOffsets[int32](d, 1)
		if d.Buffers()[2] != nil {
			data = d.Buffers()[2].Bytes()
		}
	}
	outOffs := make([]int32, len(idx)+1)
	total := 0
	for i, r := range idx {
		total += int(offs[r+1] - offs[r])
		outOffs[i+1] = int32(total)
	}
	outData := make([]byte, total)
	for i, r := range idx {
		copy(outData[outOffs[i]:], data[offs[r]:offs[r+1]])
	}
	validity, nulls := sortGatherValidity(col, idx)
	nd := array.NewData(col.DataType(), len(idx), []*memory.Buffer{validity, memory.NewBufferBytes(arrow.GetBytes(outOffs)), memory.NewBufferBytes(outData)}, nil, nulls, 0)
	defer nd.Release()
	return array.MakeFromData(nd)
}
