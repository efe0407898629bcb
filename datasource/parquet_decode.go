package datasource

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// columnDecoder decodes one column chunk chunk-by-chunk into reused scratch
// buffers (values laid out by row, plus a validity bitmap), and builds Arrow
// arrays from the last decoded chunk: all of its rows, or only selected ones.
// Decoding into scratch and then gathering is what makes late
// materialization cheap: the selected rows are copied once, straight into
// the output buffers.
type columnDecoder interface {
	// decode reads the next n rows of the column chunk.
	decode(n int) error
	// skip discards the next n rows.
	skip(n int) error
	// build returns the rows last decoded (sel == nil) or the rows at the
	// positions sel (ascending) as a new array that owns its memory.
	build(sel []int32) arrow.Array
	// take is build(nil) that may hand over the decoder's buffers instead
	// of copying them; the decoded chunk cannot be built again.
	take() arrow.Array
}

// levels tracks definition levels and validity of the last decoded chunk.
type levels struct {
	maxDef int16
	defs   []int16 // definition levels by row (nullable columns only)
	valid  []byte  // validity bitmap by row, meaningful when nulls > 0
	nulls  int
	n      int
}

// defsFrom returns the definition level buffer from row off on, or nil for
// a required column (the Parquet reader then reads no levels).
func (l *levels) defsFrom(off int) []int16 {
	if l.maxDef == 0 {
		return nil
	}
	return l.defs[off:]
}

func (l *levels) prepare(n int) {
	if l.maxDef > 0 {
		l.defs = grow(l.defs, n)
	}
}

// finish computes validity and the null count of n decoded rows.
func (l *levels) finish(n int) {
	l.n = n
	l.nulls = 0
	if l.maxDef == 0 {
		return
	}
	defs := l.defs[:n]
	nulls := 0
	for _, d := range defs {
		if d != l.maxDef {
			nulls++
		}
	}
	l.nulls = nulls
	if nulls == 0 {
		return
	}
	l.valid = grow(l.valid, int(bitutil.BytesForBits(int64(n))))
	clear(l.valid)
	for i, d := range defs {
		if d == l.maxDef {
			l.valid[i>>3] |= 1 << (i & 7)
		}
	}
}

// finishCounted is finish for a decoder that counted the NULLs itself:
// when there are none, the levels need not even have been written.
func (l *levels) finishCounted(n, nulls int) {
	l.n = n
	l.nulls = nulls
	if nulls == 0 {
		return
	}
	defs := l.defs[:n]
	l.valid = grow(l.valid, int(bitutil.BytesForBits(int64(n))))
	clear(l.valid)
	for i, d := range defs {
		if d == l.maxDef {
			l.valid[i>>3] |= 1 << (i & 7)
		}
	}
}

// validity returns the output validity buffer and null count for sel.
func (l *levels) validity(sel []int32) (*memory.Buffer, int) {
	if l.nulls == 0 {
		return nil, 0
	}
	if sel == nil {
		buf := make([]byte, bitutil.BytesForBits(int64(l.n)))
		copy(buf, l.valid)
		return memory.NewBufferBytes(buf), l.nulls
	}
	buf := make([]byte, bitutil.BytesForBits(int64(len(sel))))
	nulls := 0
	for i, s := range sel {
		if l.valid[s>>3]&(1<<(s&7)) != 0 {
			buf[i>>3] |= 1 << (i & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(buf), nulls
}

// decodeStep caps the values asked of the Parquet decoder at once, so that
// its output and the physical-value scratch stay in the CPU cache.
const decodeStep = 4096

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// asBytes views a slice of fixed-width values as bytes for an Arrow buffer.
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// fillFunc reads up to n rows (across pages) of non-null values into dense
// and their definition levels into defs, returning the rows (levels) and
// values read; it converts physical values to T when the types differ.
type fillFunc[T any] func(n int64, dense []T, defs []int16) (rows int64, values int, err error)

// fixedDecoder decodes a fixed-width column into []T.
type fixedDecoder[T any] struct {
	levels
	typ    arrow.DataType
	fill   fillFunc[T]
	skipFn func(n int64) (int64, error)
	dense  []T // non-null values as decoded
	spread []T // values by row, when there are nulls
	rows   []T // dense or spread: values by row
}

func (d *fixedDecoder[T]) decode(n int) error {
	d.prepare(n)
	d.dense = grow(d.dense, n)
	rows, values := 0, 0
	for rows < n {
		r, v, err := d.fill(int64(min(n-rows, decodeStep)), d.dense[values:], d.defsFrom(rows))
		if err != nil {
			return err
		}
		if r == 0 {
			return fmt.Errorf("column chunk ended after %d of %d rows", rows, n)
		}
		rows += int(r)
		values += v
	}
	d.finish(n)
	if d.nulls == 0 {
		d.rows = d.dense[:n]
		return nil
	}
	d.spread = grow(d.spread, n)
	var zero T
	k := 0
	for i, def := range d.defs[:n] {
		if def == d.maxDef {
			d.spread[i] = d.dense[k]
			k++
		} else {
			d.spread[i] = zero
		}
	}
	d.rows = d.spread
	return nil
}

func (d *fixedDecoder[T]) skip(n int) error {
	_, err := d.skipFn(int64(n))
	return err
}

func (d *fixedDecoder[T]) gather(sel []int32) []T {
	if sel == nil {
		out := make([]T, d.n)
		copy(out, d.rows[:d.n])
		return out
	}
	out := make([]T, len(sel))
	rows := d.rows[:d.n]
	for i, s := range sel {
		out[i] = rows[s]
	}
	return out
}

func (d *fixedDecoder[T]) take() arrow.Array {
	vals := d.rows[:d.n]
	valid, nulls := d.validity(nil)
	// The next decode allocates fresh buffers: the array owns these.
	if d.nulls == 0 {
		d.dense = nil
	} else {
		d.spread = nil
	}
	d.rows = nil
	return d.array(vals, valid, nulls)
}

func (d *fixedDecoder[T]) build(sel []int32) arrow.Array {
	vals := d.gather(sel)
	valid, nulls := d.validity(sel)
	return d.array(vals, valid, nulls)
}

func (d *fixedDecoder[T]) array(vals []T, valid *memory.Buffer, nulls int) arrow.Array {
	data := array.NewData(d.typ, len(vals), []*memory.Buffer{valid, memory.NewBufferBytes(asBytes(vals))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// boolDecoder packs decoded booleans into an Arrow bitmap.
type boolDecoder struct {
	fixedDecoder[bool]
}

func (d *boolDecoder) take() arrow.Array { return d.build(nil) }

func (d *boolDecoder) build(sel []int32) arrow.Array {
	vals := d.gather(sel)
	bits := make([]byte, bitutil.BytesForBits(int64(len(vals))))
	for i, v := range vals {
		if v {
			bits[i>>3] |= 1 << (i & 7)
		}
	}
	valid, nulls := d.validity(sel)
	data := array.NewData(d.typ, len(vals), []*memory.Buffer{valid, memory.NewBufferBytes(bits)}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// stringDecoder decodes BYTE_ARRAY (or FIXED_LEN_BYTE_ARRAY) values into
// Arrow String offsets and data. It reads page by page with
// ReadBatchInPage, whose values alias the page (or dictionary) and are copied
// right away: ReadBatch would allocate a copy of every value.
type stringDecoder struct {
	levels
	readPage func(n int64, defs []int16) (rows int64, values int, err error)
	skipFn   func(n int64) (int64, error)
	vals     []parquet.ByteArray // values of the last page read
	offsets  []int32             // by row, n+1 entries
	data     []byte
}

func (d *stringDecoder) decode(n int) error {
	d.prepare(n)
	d.vals = grow(d.vals, min(n, decodeStep))
	d.offsets = grow(d.offsets, n+1)
	d.offsets[0] = 0
	d.data = d.data[:0]
	rows := 0
	for rows < n {
		r, v, err := d.readPage(int64(min(n-rows, decodeStep)), d.defsFrom(rows))
		if err != nil {
			return err
		}
		if r == 0 {
			return fmt.Errorf("column chunk ended after %d of %d rows", rows, n)
		}
		vals := d.vals[:v]
		if d.maxDef == 0 || int(r) == v {
			for i, b := range vals {
				d.data = append(d.data, b...)
				d.offsets[rows+i+1] = int32(len(d.data))
			}
		} else {
			k := 0
			for i, def := range d.defs[rows : rows+int(r)] {
				if def == d.maxDef {
					d.data = append(d.data, vals[k]...)
					k++
				}
				d.offsets[rows+i+1] = int32(len(d.data))
			}
		}
		if len(d.data) > math.MaxInt32 {
			return fmt.Errorf("string data of %d rows exceeds 2 GiB", n)
		}
		rows += int(r)
	}
	d.finish(n)
	return nil
}

func (d *stringDecoder) skip(n int) error {
	_, err := d.skipFn(int64(n))
	return err
}

func (d *stringDecoder) take() arrow.Array { return d.build(nil) }

func (d *stringDecoder) build(sel []int32) arrow.Array {
	var offsets []int32
	var data []byte
	if sel == nil {
		offsets = make([]int32, d.n+1)
		copy(offsets, d.offsets[:d.n+1])
		data = make([]byte, len(d.data))
		copy(data, d.data)
	} else {
		size := 0
		for _, s := range sel {
			size += int(d.offsets[s+1] - d.offsets[s])
		}
		offsets = make([]int32, len(sel)+1)
		data = make([]byte, 0, size)
		for i, s := range sel {
			data = append(data, d.data[d.offsets[s]:d.offsets[s+1]]...)
			offsets[i+1] = int32(len(data))
		}
	}
	valid, nulls := d.validity(sel)
	arrData := array.NewData(arrow.BinaryTypes.String, len(offsets)-1,
		[]*memory.Buffer{valid, memory.NewBufferBytes(asBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer arrData.Release()
	return array.MakeFromData(arrData)
}

// scratch returns a reused buffer of at least n physical values.
func scratch[P any](buf *[]P, n int64) []P {
	*buf = grow(*buf, int(n))
	return *buf
}

// newColumnDecoder builds the decoder of a column chunk for its decode kind.
func newColumnDecoder(c parquetColumn, cr file.ColumnChunkReader) (columnDecoder, error) {
	lv := levels{maxDef: cr.Descriptor().MaxDefinitionLevel()}
	bad := func() (columnDecoder, error) {
		return nil, fmt.Errorf("column %s: unexpected physical type %s", c.name, cr.Type())
	}
	switch c.kind {
	case kindBool:
		r, ok := cr.(*file.BooleanColumnChunkReader)
		if !ok {
			return bad()
		}
		return &boolDecoder{fixedDecoder[bool]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []bool, defs []int16) (int64, int, error) {
				return r.ReadBatch(n, dense, defs, nil)
			}}}, nil
	case kindInt32:
		r, ok := cr.(*file.Int32ColumnChunkReader)
		if !ok {
			return bad()
		}
		return &fixedDecoder[int32]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []int32, defs []int16) (int64, int, error) {
				return r.ReadBatch(n, dense, defs, nil)
			}}, nil
	case kindInt64:
		r, ok := cr.(*file.Int64ColumnChunkReader)
		if !ok {
			return bad()
		}
		return &fixedDecoder[int64]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []int64, defs []int16) (int64, int, error) {
				return r.ReadBatch(n, dense, defs, nil)
			}}, nil
	case kindFloat32:
		r, ok := cr.(*file.Float32ColumnChunkReader)
		if !ok {
			return bad()
		}
		return &fixedDecoder[float32]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []float32, defs []int16) (int64, int, error) {
				return r.ReadBatch(n, dense, defs, nil)
			}}, nil
	case kindFloat64:
		r, ok := cr.(*file.Float64ColumnChunkReader)
		if !ok {
			return bad()
		}
		return &fixedDecoder[float64]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []float64, defs []int16) (int64, int, error) {
				return r.ReadBatch(n, dense, defs, nil)
			}}, nil
	case kindUint32:
		r, ok := cr.(*file.Int32ColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []int32
		return &fixedDecoder[int64]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []int64, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatch(n, phys, defs, nil)
				for i, x := range phys[:v] {
					dense[i] = int64(uint32(x))
				}
				return rows, v, err
			}}, nil
	case kindTimestampMillis, kindTimestampNanos:
		r, ok := cr.(*file.Int64ColumnChunkReader)
		if !ok {
			return bad()
		}
		millis := c.kind == kindTimestampMillis
		return &fixedDecoder[int64]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []int64, defs []int16) (int64, int, error) {
				rows, v, err := r.ReadBatch(n, dense, defs, nil)
				if millis {
					for i := range dense[:v] {
						dense[i] *= 1000
					}
				} else {
					for i, x := range dense[:v] {
						dense[i] = floorDiv(x, 1000)
					}
				}
				return rows, v, err
			}}, nil
	case kindInt96:
		r, ok := cr.(*file.Int96ColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []parquet.Int96
		return &fixedDecoder[int64]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []int64, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatch(n, phys, defs, nil)
				for i := range phys[:v] {
					dense[i] = int96Micros(&phys[i])
				}
				return rows, v, err
			}}, nil
	case kindDecimalInt32:
		r, ok := cr.(*file.Int32ColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []int32
		return &fixedDecoder[decimal128.Num]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []decimal128.Num, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatch(n, phys, defs, nil)
				for i, x := range phys[:v] {
					dense[i] = decimal128.New(int64(x)>>63, uint64(int64(x)))
				}
				return rows, v, err
			}}, nil
	case kindDecimalInt64:
		r, ok := cr.(*file.Int64ColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []int64
		return &fixedDecoder[decimal128.Num]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []decimal128.Num, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatch(n, phys, defs, nil)
				for i, x := range phys[:v] {
					dense[i] = decimal128.New(x>>63, uint64(x))
				}
				return rows, v, err
			}}, nil
	case kindDecimalFLBA:
		r, ok := cr.(*file.FixedLenByteArrayColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []parquet.FixedLenByteArray
		return &fixedDecoder[decimal128.Num]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []decimal128.Num, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatchInPage(n, phys, defs, nil)
				for i, x := range phys[:v] {
					dense[i] = decimalFromBigEndian(x)
				}
				return rows, v, err
			}}, nil
	case kindDecimalBytes:
		r, ok := cr.(*file.ByteArrayColumnChunkReader)
		if !ok {
			return bad()
		}
		var buf []parquet.ByteArray
		return &fixedDecoder[decimal128.Num]{levels: lv, typ: c.typ, skipFn: r.Skip,
			fill: func(n int64, dense []decimal128.Num, defs []int16) (int64, int, error) {
				phys := scratch(&buf, n)
				rows, v, err := r.ReadBatchInPage(n, phys, defs, nil)
				for i, x := range phys[:v] {
					if len(x) > 16 {
						return rows, v, fmt.Errorf("column %s: decimal value of %d bytes", c.name, len(x))
					}
					dense[i] = decimalFromBigEndian(x)
				}
				return rows, v, err
			}}, nil
	case kindString:
		r, ok := cr.(*file.ByteArrayColumnChunkReader)
		if !ok {
			return bad()
		}
		d := &stringDecoder{levels: lv, skipFn: r.Skip}
		d.readPage = func(n int64, defs []int16) (int64, int, error) {
			return r.ReadBatchInPage(n, d.vals[:n], defs, nil)
		}
		return d, nil
	case kindFLBAString:
		r, ok := cr.(*file.FixedLenByteArrayColumnChunkReader)
		if !ok {
			return bad()
		}
		d := &stringDecoder{levels: lv, skipFn: r.Skip}
		var buf []parquet.FixedLenByteArray
		d.readPage = func(n int64, defs []int16) (int64, int, error) {
			phys := scratch(&buf, n)
			rows, v, err := r.ReadBatchInPage(n, phys, defs, nil)
			for i, x := range phys[:v] {
				d.vals[i] = parquet.ByteArray(x)
			}
			return rows, v, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("column %s: no decoder for kind %d", c.name, c.kind)
}

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2_440_588

// int96Micros converts a legacy INT96 timestamp (nanoseconds of day, Julian
// day) to microseconds since the Unix epoch.
func int96Micros(v *parquet.Int96) int64 {
	nanos := int64(binary.LittleEndian.Uint64(v[:8]))
	days := int64(binary.LittleEndian.Uint32(v[8:])) - julianUnixEpoch
	return days*86_400_000_000 + floorDiv(nanos, 1000)
}
