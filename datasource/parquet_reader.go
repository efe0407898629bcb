package datasource

import (
	"context"
	"fmt"
	"math/bits"
	"os"
	"sync"
	"sync/atomic"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
)

const (
	// defaultBatchRows is the batch size when the caller has no preference.
	defaultBatchRows = 65536
	// minChunkRows is the fewest rows decoded at a time: decoding in larger
	// chunks than small requested batches amortizes per-call overhead in the
	// Parquet decoder, and a selective filter leaves few rows per chunk anyway.
	minChunkRows = 65536
)

// parquetReader reads one row group. It decodes the row group chunk by
// chunk; with a filter it decodes the filter columns first, evaluates the
// filter, and decodes the other columns only for chunks with matching rows
// (late materialization), skipping the rest.
type parquetReader struct {
	ctx       context.Context
	path      string
	rowGroup  int
	osFile    *os.File
	rg        *file.RowGroupReader
	rgFast    *file.RowGroupReader // the same row group read with fastReaderProps
	schema    *arrow.Schema
	cols      []parquetColumn // output columns in order
	decs      []columnDecoder // created on first use, so unread columns cost no I/O
	skipped   []int           // rows to skip before the next decode, per column
	filter    catalog.Filter
	isFilter  []bool
	batchRows int64
	chunkRows int64
	left      int64 // rows of the row group not decoded yet

	cur    arrow.RecordBatch // decoded chunk being handed out in slices
	curOff int64

	nullArrays []arrow.Array // placeholders for non-filter columns
	sel        []int32
}

func newParquetReader(ctx context.Context, tableSchema *arrow.Schema, pf *parquetFile, rowGroup int, opts catalog.ScanOptions) (rdr *parquetReader, err error) {
	defer recoverParquet(pf.path, &err)
	fields := make([]arrow.Field, len(opts.Columns))
	cols := make([]parquetColumn, len(opts.Columns))
	for i, c := range opts.Columns {
		fields[i] = tableSchema.Field(c)
		cols[i] = pf.cols[c]
	}
	r := &parquetReader{
		ctx:        ctx,
		path:       pf.path,
		rowGroup:   rowGroup,
		schema:     arrow.NewSchema(fields, nil),
		cols:       cols,
		decs:       make([]columnDecoder, len(cols)),
		skipped:    make([]int, len(cols)),
		filter:     opts.Filter,
		batchRows:  int64(opts.BatchSize),
		nullArrays: make([]arrow.Array, len(cols)),
	}
	if r.batchRows <= 0 {
		r.batchRows = defaultBatchRows
	}
	r.chunkRows = max(r.batchRows, minChunkRows)
	if r.filter != nil {
		r.isFilter = make([]bool, len(cols))
		for _, p := range r.filter.FilterColumns() {
			if p < 0 || p >= len(cols) {
				return nil, fmt.Errorf("%s: filter reads column position %d of %d", pf.path, p, len(cols))
			}
			r.isFilter[p] = true
		}
	}
	f, err := os.Open(pf.path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", pf.path, err)
	}
	fr, err := file.NewParquetReader(f, file.WithMetadata(pf.meta), file.WithReadProps(readerProps))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", pf.path, err)
	}
	frFast, err := file.NewParquetReader(f, file.WithMetadata(pf.meta), file.WithReadProps(fastReaderProps))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", pf.path, err)
	}
	r.osFile = f
	r.rg = fr.RowGroup(rowGroup)
	r.rgFast = frFast.RowGroup(rowGroup)
	r.left = r.rg.NumRows()
	return r, nil
}

func (r *parquetReader) Close() error {
	r.cur = nil
	for _, d := range r.decs {
		if pd, ok := d.(pageDecoder); ok {
			pd.release()
		}
	}
	r.decs = nil
	if r.osFile == nil {
		return nil
	}
	err := r.osFile.Close()
	r.osFile = nil
	return err
}

// Next returns the next batch, or (nil, nil) at the end of the row group.
func (r *parquetReader) Next() (rec arrow.RecordBatch, err error) {
	defer recoverParquet(r.path, &err)
	for {
		if r.cur != nil {
			n := r.cur.NumRows()
			if r.curOff == 0 && n <= r.batchRows {
				out := r.cur
				r.cur = nil
				return out, nil
			}
			if r.curOff < n {
				end := min(r.curOff+r.batchRows, n)
				out := r.cur.NewSlice(r.curOff, end)
				r.curOff = end
				return out, nil
			}
			r.cur = nil
		}
		if r.left == 0 || r.osFile == nil {
			return nil, nil
		}
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		n := min(r.left, r.chunkRows)
		r.left -= n
		rec, err := r.readChunk(int(n))
		if err != nil {
			return nil, fmt.Errorf("read %s row group %d: %w", r.path, r.rowGroup, err)
		}
		if rec != nil && rec.NumRows() > 0 {
			r.cur, r.curOff = rec, 0
		}
	}
}

// decoder returns column i's decoder positioned at the current chunk,
// opening the column chunk on first use and catching up on skipped rows.
func (r *parquetReader) decoder(i int) (columnDecoder, error) {
	d := r.decs[i]
	if d == nil {
		var err error
		if d, err = r.openDecoder(r.cols[i]); err != nil {
			return nil, err
		}
		r.decs[i] = d
	}
	if r.skipped[i] > 0 {
		if err := d.skip(r.skipped[i]); err != nil {
			return nil, fmt.Errorf("column %s: %w", r.cols[i].name, err)
		}
		r.skipped[i] = 0
	}
	return d, nil
}

// usePageDecoders enables the fast path; tests turn it off to compare it
// with the general decoders.
var usePageDecoders = true

// fastChunks and generalChunks count the column chunks opened with the fast
// page decoders and with the general ones, for tests to check which path a
// file takes.
var fastChunks, generalChunks atomic.Int64

// openDecoder opens a column chunk with the fast page decoder when it can
// read the chunk's encodings, else with the general one.
func (r *parquetReader) openDecoder(c parquetColumn) (columnDecoder, error) {
	chunk, err := r.rg.MetaData().ColumnChunk(c.leaf)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", c.name, err)
	}
	if usePageDecoders && pageDecodable(c, chunk) {
		pr, err := r.rgFast.GetColumnPageReader(c.leaf)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		fastChunks.Add(1)
		return newPageDecoder(c, pr), nil
	}
	generalChunks.Add(1)
	cr, err := r.rg.Column(c.leaf)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", c.name, err)
	}
	return newColumnDecoder(c, cr)
}

// decodeColumn decodes n rows of column i and builds the rows in sel; with
// keep the decoded chunk stays available for another build.
func (r *parquetReader) decodeColumn(i, n int, sel []int32, keep bool) (arrow.Array, error) {
	d, err := r.decoder(i)
	if err != nil {
		return nil, err
	}
	if err := d.decode(n); err != nil {
		return nil, fmt.Errorf("column %s: %w", r.cols[i].name, err)
	}
	if sel == nil && !keep {
		return d.take(), nil
	}
	return d.build(sel), nil
}

// readChunk decodes the next n rows; it returns nil when the filter drops them all.
func (r *parquetReader) readChunk(n int) (arrow.RecordBatch, error) {
	arrs := make([]arrow.Array, len(r.cols))
	if r.filter == nil {
		for i := range r.cols {
			a, err := r.decodeColumn(i, n, nil, false)
			if err != nil {
				return nil, err
			}
			arrs[i] = a
		}
		return array.NewRecordBatch(r.schema, arrs, int64(n)), nil
	}

	// Decode the filter's columns; the others are all-NULL stand-ins so the
	// filter sees a batch shaped like the projection.
	for i := range r.cols {
		if r.isFilter[i] {
			a, err := r.decodeColumn(i, n, nil, true)
			if err != nil {
				return nil, err
			}
			arrs[i] = a
		} else {
			arrs[i] = r.nullArray(i, n)
		}
	}
	probe := array.NewRecordBatch(r.schema, arrs, int64(n))
	mask, err := r.filter.Mask(probe)
	if err != nil {
		return nil, fmt.Errorf("evaluate filter: %w", err)
	}
	boolMask, ok := mask.(*array.Boolean)
	if !ok || boolMask.Len() != n {
		return nil, fmt.Errorf("filter returned %s of length %d for a batch of %d rows, want a boolean mask", mask.DataType(), mask.Len(), n)
	}
	r.sel = selection(boolMask, r.sel[:0])
	switch len(r.sel) {
	case 0:
		for i := range r.cols {
			if !r.isFilter[i] {
				r.skipped[i] += n
			}
		}
		return nil, nil
	case n:
		for i := range r.cols {
			if r.isFilter[i] {
				continue
			}
			a, err := r.decodeColumn(i, n, nil, false)
			if err != nil {
				return nil, err
			}
			arrs[i] = a
		}
		return array.NewRecordBatch(r.schema, arrs, int64(n)), nil
	}
	for i := range r.cols {
		if r.isFilter[i] {
			// The decoder still holds the chunk: gather the kept rows from it.
			arrs[i] = r.decs[i].build(r.sel)
			continue
		}
		a, err := r.decodeColumn(i, n, r.sel, false)
		if err != nil {
			return nil, err
		}
		arrs[i] = a
	}
	return array.NewRecordBatch(r.schema, arrs, int64(len(r.sel))), nil
}

func (r *parquetReader) nullArray(i, n int) arrow.Array {
	if a := r.nullArrays[i]; a != nil && a.Len() == n {
		return a
	}
	a := nullStandIn(r.cols[i].typ, n)
	r.nullArrays[i] = a
	return a
}

// zeroBytes backs the all-NULL stand-ins of all readers. A reader lives for
// one row group, and making a 64k-row Decimal128 stand-in (a megabyte of
// zeroed memory) for every row group was a tenth of a filtered scan's time.
// The stand-ins share this read-only memory, but each reader makes its own
// array objects over it (NewBufferBytes buffers, which Release leaves alone),
// so a filter that mishandles reference counts cannot affect other readers.
var zeroBytes = sync.OnceValue(func() []byte { return make([]byte, (minChunkRows+1)*16) })

// nullStandIn returns an all-NULL array of n rows of typ.
func nullStandIn(typ arrow.DataType, n int) arrow.Array {
	zeros := zeroBytes()
	validity := int(bitutil.BytesForBits(int64(n)))
	var buffers []*memory.Buffer
	switch t := typ.(type) {
	case *arrow.StringType:
		if offsets := (n + 1) * 4; offsets <= len(zeros) {
			buffers = []*memory.Buffer{memory.NewBufferBytes(zeros[:validity]),
				memory.NewBufferBytes(zeros[:offsets]), memory.NewBufferBytes(zeros[:0])}
		}
	case arrow.FixedWidthDataType:
		if values := int(bitutil.BytesForBits(int64(n) * int64(t.BitWidth()))); values <= len(zeros) {
			buffers = []*memory.Buffer{memory.NewBufferBytes(zeros[:validity]), memory.NewBufferBytes(zeros[:values])}
		}
	}
	if buffers == nil {
		return array.MakeArrayOfNull(memory.DefaultAllocator, typ, n)
	}
	data := array.NewData(typ, n, buffers, nil, n, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// selection appends to sel the positions where mask is true (NULL is false).
func selection(mask *array.Boolean, sel []int32) []int32 {
	n := mask.Len()
	data := mask.Data()
	off := data.Offset()
	values := data.Buffers()[1].Bytes()
	var valid []byte
	if mask.NullN() > 0 && data.Buffers()[0] != nil {
		valid = data.Buffers()[0].Bytes()
	}
	if off%8 != 0 {
		for i := 0; i < n; i++ {
			if mask.IsValid(i) && mask.Value(i) {
				sel = append(sel, int32(i))
			}
		}
		return sel
	}
	values = values[off/8:]
	if valid != nil {
		valid = valid[off/8:]
	}
	full := n / 8
	for b := 0; b < full; b++ {
		x := values[b]
		if valid != nil {
			x &= valid[b]
		}
		for x != 0 {
			sel = append(sel, int32(b*8+bits.TrailingZeros8(x)))
			x &= x - 1
		}
	}
	for i := full * 8; i < n; i++ {
		bit := byte(1) << (i & 7)
		if values[i>>3]&bit != 0 && (valid == nil || valid[i>>3]&bit != 0) {
			sel = append(sel, int32(i))
		}
	}
	return sel
}
