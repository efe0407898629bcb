package datasource

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// This file is the fast path of the Parquet reader, used for the encodings
// nearly every writer produces (dictionary-encoded pages, with PLAIN pages
// when a dictionary grows too large) on the physical types the engine's hot
// columns use (INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY).
//
// It takes decompressed pages from arrow-go's PageReader and decodes them
// itself. arrow-go's column reader materializes every value of a
// dictionary-encoded column (for strings, a 24-byte slice header per value,
// with GC write barriers) before the caller can convert it; here a chunk of
// rows decodes to one int32 per row, an index into a table of the column's
// values already converted to the output type (the dictionary, converted once
// per column chunk). Building the output array is then a single gather from
// that table straight into an exactly-sized output buffer, for all rows or
// only those a filter kept. Low-cardinality strings (l_returnflag) become
// a byte gather; INT64 decimals are gathered from an int64 table and written
// as 16-byte values in the same loop.
//
// Files from other writers differ mostly in levels and PLAIN pages. DuckDB
// and Spark declare every column OPTIONAL and mark rows without NULLs with
// one RLE run of the maximum definition level per page: such runs are
// counted, not expanded into a level per row, and the levels are written out
// only once a NULL shows up. They also write keys and prices as PLAIN pages:
// a chunk of rows from PLAIN pages without NULLs is a run of consecutive
// table entries, which build copies without an index per row.
//
// Other encodings (DELTA_*, BYTE_STREAM_SPLIT, BIT_PACKED levels) and types
// (BOOLEAN, INT96, decimals in byte arrays) go through the general decoders
// in parquet_decode.go.

// pageDecodable says whether the fast path can read a column chunk: its kind
// has a value table and the footer lists only encodings it decodes.
func pageDecodable(c parquetColumn, chunk *metadata.ColumnChunkMetaData) bool {
	switch c.kind {
	case kindInt32, kindUint32, kindInt64, kindTimestampMillis, kindTimestampNanos,
		kindFloat32, kindFloat64, kindDecimalInt32, kindDecimalInt64, kindString:
	default:
		return false
	}
	encs := chunk.Encodings()
	if len(encs) == 0 {
		return false // no list: cannot rule out other encodings
	}
	for _, e := range encs {
		switch e {
		case parquet.Encodings.Plain, parquet.Encodings.PlainDict, parquet.Encodings.RLEDict,
			parquet.Encodings.RLE: // RLE: the definition levels
		default:
			return false
		}
	}
	return true
}

// newPageDecoder returns the fast-path decoder of a column chunk, recycled
// from an earlier reader when possible.
func newPageDecoder(c parquetColumn, pr file.PageReader) columnDecoder {
	d, ok := pageDecoderPools[c.kind].Get().(pageDecoder)
	if !ok {
		d = makePageDecoder(c.kind)
	}
	d.reuse(c, pr)
	return d
}

// makePageDecoder makes a fast-path decoder for kind (which pageDecodable accepted).
func makePageDecoder(kind decodeKind) pageDecoder {
	switch kind {
	case kindInt32:
		return newFixedPageDecoder(kind, 4, func(dst []int32, src []byte) {
			for i := range dst {
				dst[i] = int32(binary.LittleEndian.Uint32(src[4*i:]))
			}
		})
	case kindUint32:
		return newFixedPageDecoder(kind, 4, func(dst []int64, src []byte) {
			for i := range dst {
				dst[i] = int64(binary.LittleEndian.Uint32(src[4*i:]))
			}
		})
	case kindInt64:
		return newFixedPageDecoder(kind, 8, decodeInt64s)
	case kindTimestampMillis:
		return newFixedPageDecoder(kind, 8, func(dst []int64, src []byte) {
			for i := range dst {
				dst[i] = int64(binary.LittleEndian.Uint64(src[8*i:])) * 1000
			}
		})
	case kindTimestampNanos:
		return newFixedPageDecoder(kind, 8, func(dst []int64, src []byte) {
			for i := range dst {
				dst[i] = floorDiv(int64(binary.LittleEndian.Uint64(src[8*i:])), 1000)
			}
		})
	case kindFloat32:
		return newFixedPageDecoder(kind, 4, func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
			}
		})
	case kindFloat64:
		return newFixedPageDecoder(kind, 8, func(dst []float64, src []byte) {
			for i := range dst {
				dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
			}
		})
	case kindDecimalInt32, kindDecimalInt64:
		// The table holds the unscaled values as int64, half the size of
		// Decimal128: a large dictionary (l_extendedprice has ~100k distinct
		// values per row group) then stays in cache better; build widens.
		conv := decodeInt64s
		if kind == kindDecimalInt32 {
			conv = func(dst []int64, src []byte) {
				for i := range dst {
					dst[i] = int64(int32(binary.LittleEndian.Uint32(src[4*i:])))
				}
			}
		}
		d := newFixedPageDecoder(kind, 8, conv)
		if kind == kindDecimalInt32 {
			d.table.width = 4
		}
		d.widen = true
		return d
	case kindString:
		return &stringPageDecoder{table: &stringTable{}}
	}
	panic(fmt.Sprintf("no page decoder for kind %d", kind))
}

func decodeInt64s(dst []int64, src []byte) {
	for i := range dst {
		dst[i] = int64(binary.LittleEndian.Uint64(src[8*i:]))
	}
}

// valueTable holds a column chunk's distinct values in the output type: the
// dictionary, then a null slot (what NULL rows index: a zero value), then
// the values of PLAIN pages decoded in the current chunk of rows.
type valueTable interface {
	// loadDict makes the n PLAIN-encoded values in data the dictionary.
	loadDict(data []byte, n int) error
	// reset drops the values appended after the dictionary and null slot.
	reset()
	// appendPlain appends n PLAIN values from data and returns the bytes they took.
	appendPlain(data []byte, n int) (int, error)
	// skipPlain returns the bytes n PLAIN values take in data.
	skipPlain(data []byte, n int) (int, error)
	// size is the number of values in the table.
	size() int
}

var errShortPage = errors.New("page has fewer values than its header says")

// fixedTable is the value table of a fixed-width type.
type fixedTable[T any] struct {
	vals  []T
	base  int // dictionary entries + the null slot
	width int // bytes of a PLAIN value
	conv  func(dst []T, src []byte)
}

func (t *fixedTable[T]) loadDict(data []byte, n int) error {
	if n < 0 || n > len(data)/t.width {
		return fmt.Errorf("dictionary page: %w", errShortPage)
	}
	t.vals = grow(t.vals, n+1)
	t.conv(t.vals[:n], data)
	var zero T
	t.vals[n] = zero
	t.base = n + 1
	return nil
}

func (t *fixedTable[T]) reset() {
	if t.base == 0 { // no dictionary: only the null slot
		var zero T
		t.vals = append(t.vals[:0], zero)
		t.base = 1
	}
	t.vals = t.vals[:t.base]
}

func (t *fixedTable[T]) appendPlain(data []byte, n int) (int, error) {
	need, err := t.skipPlain(data, n)
	if err != nil {
		return 0, err
	}
	start := len(t.vals)
	if cap(t.vals) < start+n {
		grown := make([]T, start, 2*(start+n))
		copy(grown, t.vals)
		t.vals = grown
	}
	t.vals = t.vals[:start+n]
	t.conv(t.vals[start:], data[:need])
	return need, nil
}

func (t *fixedTable[T]) skipPlain(data []byte, n int) (int, error) {
	if n > len(data)/t.width {
		return 0, errShortPage
	}
	return n * t.width, nil
}

func (t *fixedTable[T]) size() int { return len(t.vals) }

// stringTable is the value table of strings. Entry i is
// data[start[i]:end[i]]: PLAIN pages (and dictionary pages) are copied into
// data whole, length prefixes included, with one copy rather than one per
// value.
type stringTable struct {
	start, end []int32
	data       []byte
	base       int // dictionary entries + the null slot
	baseData   int // bytes of the dictionary
	// fixedLen is the length every entry but the null slot has, -1 when
	// they differ, -2 when there are none: when all are alike (one-character
	// flags) a gather needs no lengths.
	fixedLen, baseFixedLen int
}

// byteArrayLen reads the 4-byte length prefix of the PLAIN byte array at data[pos:].
func byteArrayLen(data []byte, pos int) (int, error) {
	if len(data)-pos < 4 {
		return 0, errShortPage
	}
	l := int(binary.LittleEndian.Uint32(data[pos:]))
	if l > len(data)-pos-4 {
		return 0, errShortPage
	}
	return l, nil
}

func (t *stringTable) loadDict(data []byte, n int) error {
	t.start, t.end, t.data = t.start[:0], t.end[:0], t.data[:0]
	t.fixedLen = -2
	if _, err := t.appendPlain(data, n); err != nil {
		return fmt.Errorf("dictionary page: %w", err)
	}
	t.start, t.end = append(t.start, 0), append(t.end, 0) // the null slot: empty
	t.base, t.baseData = n+1, len(t.data)
	t.baseFixedLen = t.fixedLen
	return nil
}

func (t *stringTable) reset() {
	if t.base == 0 { // no dictionary: only the null slot
		t.start, t.end, t.data = append(t.start[:0], 0), append(t.end[:0], 0), t.data[:0]
		t.base, t.baseData, t.baseFixedLen = 1, 0, -2
	}
	t.start, t.end = t.start[:t.base], t.end[:t.base]
	t.data = t.data[:t.baseData]
	t.fixedLen = t.baseFixedLen
}

func (t *stringTable) appendPlain(data []byte, n int) (int, error) {
	base := len(t.data)
	if base+len(data) > math.MaxInt32 {
		return 0, errors.New("string data exceeds 2 GiB")
	}
	entries := len(t.start)
	fixed := t.fixedLen
	pos := 0
	for range n {
		l, err := byteArrayLen(data, pos)
		if err != nil {
			t.start, t.end = t.start[:entries], t.end[:entries]
			return 0, err
		}
		pos += 4
		t.start = append(t.start, int32(base+pos))
		pos += l
		t.end = append(t.end, int32(base+pos))
		switch fixed {
		case -2:
			fixed = l
		case l, -1:
		default:
			fixed = -1
		}
	}
	t.data = append(t.data, data[:pos]...)
	t.fixedLen = fixed
	return pos, nil
}

func (t *stringTable) skipPlain(data []byte, n int) (int, error) {
	pos := 0
	for range n {
		l, err := byteArrayLen(data, pos)
		if err != nil {
			return 0, err
		}
		pos += 4 + l
	}
	return pos, nil
}

func (t *stringTable) size() int { return len(t.start) }

// pageStream walks the pages of one column chunk and decodes, for each row,
// its definition level and an index into the value table: for
// dictionary-encoded pages the dictionary index itself; for PLAIN pages the
// values are appended to the table and indexed there. NULL rows index the
// null slot.
type pageStream struct {
	pr       file.PageReader
	maxDef   int16
	table    valueTable
	dictLen  int // dictionary entries; the null slot's index
	hasDict  bool
	seenData bool // a data page was read

	left  int        // rows left in the current page
	defs  rleDecoder // definition levels of the current page
	dict  bool       // whether the current page is dictionary-encoded
	idx   rleDecoder // its dictionary indices
	plain []byte     // the rest of a PLAIN page's values

	defsWritten bool // read has written the levels of all rows so far
	skipDefs    []int16
}

// start readies the stream for a new column chunk, keeping scratch.
func (s *pageStream) start(pr file.PageReader, maxDef int16, table valueTable) {
	*s = pageStream{pr: pr, maxDef: maxDef, table: table, skipDefs: s.skipDefs}
}

// close closes the page reader, which frees its buffers to pageBuffers.
func (s *pageStream) close() {
	if s.pr != nil {
		s.pr.Close()
	}
	*s = pageStream{skipDefs: s.skipDefs} // hold no page memory
}

// nextPage moves to the next data page, loading a dictionary page on the way.
func (s *pageStream) nextPage() error {
	for {
		if !s.pr.Next() {
			if err := s.pr.Err(); err != nil {
				return err
			}
			return errors.New("column chunk has fewer rows than its row group")
		}
		switch p := s.pr.Page().(type) {
		case *file.DictionaryPage:
			if s.hasDict || s.seenData {
				// Loading it would also drop PLAIN values the current chunk indexes.
				return errors.New("dictionary page is not the column chunk's first page")
			}
			if enc := parquet.Encoding(p.Encoding()); enc != parquet.Encodings.Plain && enc != parquet.Encodings.PlainDict {
				return fmt.Errorf("dictionary page encoded as %s", enc)
			}
			if err := s.table.loadDict(p.Data(), int(p.NumValues())); err != nil {
				return err
			}
			s.dictLen, s.hasDict = int(p.NumValues()), true
		case *file.DataPageV1:
			data := p.Data()
			if s.maxDef > 0 {
				if p.DefinitionLevelEncoding() != parquet.Encodings.RLE {
					return fmt.Errorf("definition levels encoded as %s", p.DefinitionLevelEncoding())
				}
				l, err := byteArrayLen(data, 0) // RLE levels have the same length prefix
				if err != nil {
					return fmt.Errorf("definition levels: %w", err)
				}
				s.defs.init(data[4:4+l], bits.Len16(uint16(s.maxDef)))
				data = data[4+l:]
			}
			return s.startValues(parquet.Encoding(p.Encoding()), data, int(p.NumValues()))
		case *file.DataPageV2:
			data := p.Data()
			rl, dl := int(p.RepetitionLevelByteLen()), int(p.DefinitionLevelByteLen())
			if rl < 0 || dl < 0 || rl+dl > len(data) {
				return errors.New("page levels exceed the page")
			}
			if s.maxDef > 0 {
				s.defs.init(data[rl:rl+dl], bits.Len16(uint16(s.maxDef)))
			}
			return s.startValues(parquet.Encoding(p.Encoding()), data[rl+dl:], int(p.NumValues()))
		default:
			return fmt.Errorf("unexpected page type %v", p.Type())
		}
	}
}

func (s *pageStream) startValues(enc parquet.Encoding, data []byte, n int) error {
	s.seenData = true
	if n < 0 {
		return errors.New("page has a negative number of values")
	}
	switch enc {
	case parquet.Encodings.RLEDict, parquet.Encodings.PlainDict:
		if !s.hasDict {
			return errors.New("dictionary-encoded page without a dictionary page")
		}
		if len(data) < 1 || data[0] > 32 {
			return errors.New("dictionary-encoded page has no valid bit width")
		}
		s.idx.init(data[1:], int(data[0]))
		s.dict = true
	case parquet.Encodings.Plain:
		s.plain = data
		s.dict = false
	default:
		return fmt.Errorf("unsupported page encoding %s", enc)
	}
	s.left = n
	return nil
}

// read decodes len(idx) rows: their indices into the table and (for a
// nullable column) definition levels into defs. It returns the number of
// NULL rows and whether the rows are identity-mapped: all PLAIN values, no
// NULLs, so row i is table entry base+i where base is the table's size
// before the call. Then idx is left unwritten (the caller reads the table
// directly), and when there are no NULLs defs may be left unwritten too:
// writers of OPTIONAL columns without NULLs (DuckDB, Spark) mark every row
// with one RLE run of the maximum level, which is read without expanding it.
func (s *pageStream) read(idx []int32, defs []int16) (nulls int, identity bool, err error) {
	n := len(idx)
	base := int32(s.table.size())
	s.defsWritten = false
	identity = true
	// breakIdentity writes the indices of the first pos rows, which the
	// identity mapping left unwritten.
	breakIdentity := func(pos int) {
		if identity {
			identity = false
			for i := range idx[:pos] {
				idx[i] = base + int32(i)
			}
		}
	}
	for pos := 0; pos < n; {
		if s.left == 0 {
			if err := s.nextPage(); err != nil {
				return 0, false, err
			}
			continue
		}
		k := min(n-pos, s.left)
		vals := k
		if s.maxDef > 0 {
			v, err := s.readDefs(defs, pos, k)
			if err != nil {
				return 0, false, fmt.Errorf("definition levels: %w", err)
			}
			vals = v
			nulls += k - vals
		}
		if s.dict || vals < k {
			breakIdentity(pos)
		}
		out := idx[pos : pos+vals]
		if s.dict {
			if err := rleRead(&s.idx, out, uint32(s.dictLen)); err != nil {
				return 0, false, fmt.Errorf("dictionary indices: %w", err)
			}
		} else {
			first := s.table.size()
			used, err := s.table.appendPlain(s.plain, vals)
			if err != nil {
				return 0, false, err
			}
			s.plain = s.plain[used:]
			if !identity {
				for i := range out {
					out[i] = int32(first + i)
				}
			}
		}
		if vals < k {
			// Spread the values over the rows, back to front so that it
			// works in place; NULL rows index the null slot.
			j := vals - 1
			null := int32(s.dictLen)
			rows := idx[pos : pos+k]
			for i := k - 1; i >= 0; i-- {
				if defs[pos+i] == s.maxDef {
					rows[i] = rows[j]
					j--
				} else {
					rows[i] = null
				}
			}
		}
		pos += k
		s.left -= k
	}
	return nulls, identity, nil
}

// readDefs reads the definition levels of rows [pos, pos+k) of the current
// chunk and returns how many are the maximum (non-NULL rows). While no NULL
// has been seen in the chunk, runs of the maximum level are not written to
// defs; at the first NULL the rows before it are filled in, and from then
// on every level is written (s.defsWritten).
func (s *pageStream) readDefs(defs []int16, pos, k int) (int, error) {
	d := &s.defs
	maxDef := s.maxDef
	valid := 0
	end := pos + k
	for pos < end {
		switch {
		case d.rep > 0:
			if d.val > uint32(maxDef) {
				return 0, fmt.Errorf("value %d out of range [0,%d]", d.val, maxDef)
			}
			m := min(d.rep, end-pos)
			v := int16(d.val)
			if v == maxDef {
				valid += m
				if !s.defsWritten {
					d.rep -= m
					pos += m
					continue
				}
			} else if !s.defsWritten {
				s.fillDefs(defs[:pos])
			}
			fill(defs[pos:pos+m], v)
			d.rep -= m
			pos += m
		case d.pos < d.end:
			m := min(d.end-d.pos, end-pos)
			out := defs[pos : pos+m]
			if err := unpack(d, out, uint32(maxDef)+1); err != nil {
				return 0, err
			}
			c := 0
			for _, x := range out {
				if x == maxDef {
					c++
				}
			}
			valid += c
			if c < m && !s.defsWritten {
				s.fillDefs(defs[:pos])
			}
			pos += m
		default:
			if err := d.nextRun(); err != nil {
				return 0, err
			}
		}
	}
	return valid, nil
}

// fillDefs writes the maximum level over the rows before the chunk's first
// NULL, which readDefs left unwritten, and makes it write all levels on.
func (s *pageStream) fillDefs(defs []int16) {
	fill(defs, s.maxDef)
	s.defsWritten = true
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// countDefs reads k definition levels and returns how many are the maximum.
func (s *pageStream) countDefs(k int) (int, error) {
	d := &s.defs
	maxDef := s.maxDef
	valid := 0
	for k > 0 {
		switch {
		case d.rep > 0:
			if d.val > uint32(maxDef) {
				return 0, fmt.Errorf("value %d out of range [0,%d]", d.val, maxDef)
			}
			m := min(d.rep, k)
			if int16(d.val) == maxDef {
				valid += m
			}
			d.rep -= m
			k -= m
		case d.pos < d.end:
			m := min(d.end-d.pos, k)
			s.skipDefs = grow(s.skipDefs, m)
			if err := unpack(d, s.skipDefs, uint32(maxDef)+1); err != nil {
				return 0, err
			}
			for _, x := range s.skipDefs {
				if x == maxDef {
					valid++
				}
			}
			k -= m
		default:
			if err := d.nextRun(); err != nil {
				return 0, err
			}
		}
	}
	return valid, nil
}

// skip discards n rows.
func (s *pageStream) skip(n int) error {
	for n > 0 {
		if s.left == 0 {
			if err := s.nextPage(); err != nil {
				return err
			}
			continue
		}
		k := min(n, s.left)
		vals := k
		if s.maxDef > 0 {
			v, err := s.countDefs(k)
			if err != nil {
				return fmt.Errorf("definition levels: %w", err)
			}
			vals = v
		}
		if s.dict {
			if err := s.idx.skip(vals); err != nil {
				return fmt.Errorf("dictionary indices: %w", err)
			}
		} else {
			used, err := s.table.skipPlain(s.plain, vals)
			if err != nil {
				return err
			}
			s.plain = s.plain[used:]
		}
		n -= k
		s.left -= k
	}
	return nil
}

// rleDecoder reads Parquet's RLE/bit-packed hybrid encoding (dictionary
// indices and definition levels).
type rleDecoder struct {
	data  []byte // after the current run
	width uint
	rep   int    // repetitions left of the current RLE run
	val   uint32 // its value
	// packed starts at the current bit-packed run and runs on to the end of
	// the data: writers interleave short bit-packed and RLE runs, and reading
	// past a run's end lets all but the data's last values be read with one
	// unaligned 8-byte load.
	packed     []byte
	packedBits uint // bits of the run actually present
	pos        int  // next value of the bit-packed run
	end        int  // values in the bit-packed run
}

func (d *rleDecoder) init(data []byte, width int) {
	*d = rleDecoder{data: data, width: uint(width)}
}

// nextRun reads the next run's header.
func (d *rleDecoder) nextRun() error {
	if len(d.data) == 0 {
		return errShortPage
	}
	h, n := binary.Uvarint(d.data)
	if n <= 0 {
		return errors.New("corrupt run header")
	}
	d.data = d.data[n:]
	count := h >> 1
	if h&1 == 1 { // bit-packed groups of 8 values
		if count == 0 || count > math.MaxInt32/8 {
			return errors.New("corrupt run header")
		}
		// The last run may be cut short after the last value it holds.
		nbytes := min(count*uint64(d.width), uint64(len(d.data)))
		d.packed, d.packedBits = d.data, uint(nbytes)*8
		d.data = d.data[nbytes:]
		d.pos, d.end = 0, int(count*8)
		return nil
	}
	if count == 0 || count > math.MaxInt32 {
		return errors.New("corrupt run header")
	}
	nb := int(d.width+7) / 8
	if len(d.data) < nb {
		return errShortPage
	}
	var v uint32
	for i := nb - 1; i >= 0; i-- {
		v = v<<8 | uint32(d.data[i])
	}
	d.data = d.data[nb:]
	d.rep, d.val = int(count), v
	return nil
}

// rleRead fills out with the next values, failing on a value >= limit.
func rleRead[T int16 | int32](d *rleDecoder, out []T, limit uint32) error {
	for len(out) > 0 {
		if d.rep > 0 {
			if d.val >= limit {
				return fmt.Errorf("value %d out of range [0,%d)", d.val, limit)
			}
			k := min(d.rep, len(out))
			v := T(d.val)
			for i := range out[:k] {
				out[i] = v
			}
			d.rep -= k
			out = out[k:]
			continue
		}
		if d.pos < d.end {
			k := min(d.end-d.pos, len(out))
			if err := unpack(d, out[:k], limit); err != nil {
				return err
			}
			out = out[k:]
			continue
		}
		if err := d.nextRun(); err != nil {
			return err
		}
	}
	return nil
}

// unpack reads len(out) values of the current bit-packed run.
func unpack[T int16 | int32](d *rleDecoder, out []T, limit uint32) error {
	w := d.width
	bit := uint(d.pos) * w
	if bit+uint(len(out))*w > d.packedBits {
		return errShortPage
	}
	buf := d.packed
	var hi uint64 // the largest value read
	i := 0
	// Values one by one up to a group boundary, whole groups of 8 values
	// (w bytes) while 8-byte loads stay inside buf, then the rest one by one.
	for ; i < len(out) && (d.pos+i)%8 != 0; i++ {
		hi = max(hi, unpackOne(buf, bit, w, &out[i]))
		bit += w
	}
	if groups := (len(out) - i) / 8; groups > 0 && w > 0 {
		// bit is a multiple of 8w here: groups start on byte boundaries.
		// unpackGroups loads 8 bytes at offsets below w from a group's
		// start, so a group starting at g needs buf[:g+w+8].
		g := int(bit >> 3)
		n := 0
		if room := len(buf) - g - int(w) - 8; room >= 0 {
			n = min(groups, room/int(w)+1)
		}
		if n > 0 {
			h := unpackGroups(buf[g:], w, out[i:i+8*n])
			hi = max(hi, h)
			i += 8 * n
			bit += uint(8*n) * w
		}
	}
	for ; i < len(out); i++ {
		hi = max(hi, unpackOne(buf, bit, w, &out[i]))
		bit += w
	}
	if hi >= uint64(limit) {
		return fmt.Errorf("value %d out of range [0,%d)", hi, limit)
	}
	d.pos += len(out)
	return nil
}

// unpackOne reads the w-bit value at bit of buf into *out and returns it.
func unpackOne[T int16 | int32](buf []byte, bit, w uint, out *T) uint64 {
	var word uint64
	if b := bit >> 3; b+8 <= uint(len(buf)) {
		word = binary.LittleEndian.Uint64(buf[b:])
	} else {
		var tmp [8]byte
		copy(tmp[:], buf[b:])
		word = binary.LittleEndian.Uint64(tmp[:])
	}
	v := word >> (bit & 7) & (1<<w - 1)
	*out = T(v)
	return v
}

// unpackGroups reads len(out)/8 whole groups of 8 w-bit values (w bytes
// each) from buf, which has w+8 bytes from the last group's start on.
// It loads as few 8-byte words per group as the width allows (one for
// w <= 8, two for w <= 16, four for w <= 28) and shifts the values out of
// them, and returns the largest value.
func unpackGroups[T int16 | int32](buf []byte, w uint, out []T) uint64 {
	mask := uint64(1)<<w - 1
	var hi uint64
	switch {
	case w <= 8:
		for g := 0; len(out) >= 8; g += int(w) {
			x := binary.LittleEndian.Uint64(buf[g:])
			o := out[:8]
			for j := range o {
				v := x & mask
				hi = max(hi, v)
				o[j] = T(v)
				x >>= w
			}
			out = out[8:]
		}
	case w <= 16:
		// Values 4-7 start 4w bits in: byte 4w/8, shifted by 4w%8 (0 or 4).
		b2, s2 := int(4*w/8), 4*w%8
		for g := 0; len(out) >= 8; g += int(w) {
			x := binary.LittleEndian.Uint64(buf[g:])
			y := binary.LittleEndian.Uint64(buf[g+b2:]) >> s2
			o := out[:8]
			for j := range 4 {
				v, u := x&mask, y&mask
				hi = max(hi, v, u)
				o[j], o[j+4] = T(v), T(u)
				x >>= w
				y >>= w
			}
			out = out[8:]
		}
	case w <= 28:
		// Pairs of values start every 2w bits.
		for g := 0; len(out) >= 8; g += int(w) {
			o := out[:8]
			for p := range uint(4) {
				off := 2 * w * p
				x := binary.LittleEndian.Uint64(buf[g+int(off/8):]) >> (off % 8)
				v, u := x&mask, x>>w&mask
				hi = max(hi, v, u)
				o[2*p], o[2*p+1] = T(v), T(u)
			}
			out = out[8:]
		}
	default:
		bit := uint(0)
		for i := range out {
			v := binary.LittleEndian.Uint64(buf[bit>>3:]) >> (bit & 7) & mask
			hi = max(hi, v)
			out[i] = T(v)
			bit += w
		}
	}
	return hi
}

// skip discards n values.
func (d *rleDecoder) skip(n int) error {
	for n > 0 {
		if d.rep > 0 {
			k := min(d.rep, n)
			d.rep -= k
			n -= k
			continue
		}
		if d.pos < d.end {
			k := min(d.end-d.pos, n)
			d.pos += k
			n -= k
			continue
		}
		if err := d.nextRun(); err != nil {
			return err
		}
	}
	return nil
}

// fixedPageDecoder is the fast-path decoder of fixed-width columns.
type fixedPageDecoder[T any] struct {
	levels
	kind   decodeKind
	typ    arrow.DataType
	stream pageStream
	table  *fixedTable[T]
	idx    []int32 // table index by row of the last decoded chunk
	// identity: the chunk's rows are table entries base, base+1, ... (PLAIN
	// pages without NULLs) and idx is not written.
	identity bool
	base     int
	// widen: the values are unscaled decimals (T is int64) that build
	// widens to Decimal128.
	widen bool
}

func newFixedPageDecoder[T any](kind decodeKind, width int, conv func([]T, []byte)) *fixedPageDecoder[T] {
	return &fixedPageDecoder[T]{kind: kind, table: &fixedTable[T]{width: width, conv: conv}}
}

func (d *fixedPageDecoder[T]) reuse(c parquetColumn, pr file.PageReader) {
	d.typ = c.typ
	d.levels = levels{maxDef: c.maxDef, defs: d.defs, valid: d.valid}
	d.table.base = 0
	d.table.reset()
	d.stream.start(pr, c.maxDef, d.table)
}

func (d *fixedPageDecoder[T]) release() {
	d.stream.close()
	pageDecoderPools[d.kind].Put(d)
}

func (d *fixedPageDecoder[T]) decode(n int) error {
	d.prepare(n)
	d.idx = grow(d.idx, n)
	d.table.reset()
	d.base = d.table.size()
	nulls, identity, err := d.stream.read(d.idx, d.defsFrom(0))
	if err != nil {
		return err
	}
	d.identity = identity
	d.finishCounted(n, nulls)
	return nil
}

func (d *fixedPageDecoder[T]) skip(n int) error { return d.stream.skip(n) }

func (d *fixedPageDecoder[T]) take() arrow.Array { return d.build(nil) }

func (d *fixedPageDecoder[T]) build(sel []int32) arrow.Array {
	if d.widen {
		return d.buildDecimal(sel)
	}
	idx := d.idx[:d.n]
	table := d.table.vals
	var out []T
	switch {
	case d.identity && sel == nil:
		out = make([]T, d.n)
		copy(out, table[d.base:d.base+d.n])
	case d.identity:
		rows := table[d.base : d.base+d.n]
		out = make([]T, len(sel))
		for i, s := range sel {
			out[i] = rows[s]
		}
	case sel == nil:
		out = make([]T, len(idx))
		for i, x := range idx {
			out[i] = table[x]
		}
	default:
		out = make([]T, len(sel))
		for i, s := range sel {
			out[i] = table[idx[s]]
		}
	}
	valid, nulls := d.validity(sel)
	data := array.NewData(d.typ, len(out), []*memory.Buffer{valid, memory.NewBufferBytes(asBytes(out))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// buildDecimal is build for decimals: it writes each 16-byte value
// straight from the int64 table (low word the value, high word its sign).
func (d *fixedPageDecoder[T]) buildDecimal(sel []int32) arrow.Array {
	idx := d.idx[:d.n]
	table := any(d.table.vals).([]int64)
	var out []decimal128.Num
	switch {
	case d.identity && sel == nil:
		rows := table[d.base : d.base+d.n]
		out = make([]decimal128.Num, len(rows))
		for i, v := range rows {
			out[i] = decimal128.New(v>>63, uint64(v))
		}
	case d.identity:
		rows := table[d.base : d.base+d.n]
		out = make([]decimal128.Num, len(sel))
		for i, s := range sel {
			v := rows[s]
			out[i] = decimal128.New(v>>63, uint64(v))
		}
	case sel == nil:
		out = make([]decimal128.Num, len(idx))
		for i, x := range idx {
			v := table[x]
			out[i] = decimal128.New(v>>63, uint64(v))
		}
	default:
		out = make([]decimal128.Num, len(sel))
		for i, s := range sel {
			v := table[idx[s]]
			out[i] = decimal128.New(v>>63, uint64(v))
		}
	}
	valid, nulls := d.validity(sel)
	data := array.NewData(d.typ, len(out), []*memory.Buffer{valid, memory.NewBufferBytes(asBytes(out))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// stringPageDecoder is the fast-path decoder of string columns.
type stringPageDecoder struct {
	levels
	stream pageStream
	table  *stringTable
	idx    []int32
	size   int // bytes of all the strings of the last decoded chunk
}

func (d *stringPageDecoder) decode(n int) error {
	d.prepare(n)
	d.idx = grow(d.idx, n)
	d.table.reset()
	base := int32(d.table.size())
	nulls, identity, err := d.stream.read(d.idx, d.defsFrom(0))
	if err != nil {
		return err
	}
	if identity {
		for i := range d.idx {
			d.idx[i] = base + int32(i)
		}
	}
	d.finishCounted(n, nulls)
	t := d.table
	if t.fixedLen >= 0 && d.nulls == 0 {
		d.size = n * t.fixedLen
	} else {
		d.size = 0
		for _, x := range d.idx {
			d.size += int(t.end[x] - t.start[x])
		}
	}
	if d.size > math.MaxInt32 {
		return fmt.Errorf("string data of %d rows exceeds 2 GiB", n)
	}
	return nil
}

func (d *stringPageDecoder) reuse(c parquetColumn, pr file.PageReader) {
	d.levels = levels{maxDef: c.maxDef, defs: d.defs, valid: d.valid}
	d.table.base = 0
	d.table.reset()
	d.stream.start(pr, c.maxDef, d.table)
}

func (d *stringPageDecoder) release() {
	d.stream.close()
	pageDecoderPools[kindString].Put(d)
}

func (d *stringPageDecoder) skip(n int) error { return d.stream.skip(n) }

func (d *stringPageDecoder) take() arrow.Array { return d.build(nil) }

func (d *stringPageDecoder) build(sel []int32) arrow.Array {
	idx := d.idx[:d.n]
	if sel != nil {
		// Gathering twice through sel costs more than compacting the indices once.
		picked := make([]int32, len(sel))
		for i, s := range sel {
			picked[i] = idx[s]
		}
		idx = picked
	}
	t := d.table
	offsets := make([]int32, len(idx)+1)
	var data []byte
	if l := t.fixedLen; l >= 0 && d.nulls == 0 {
		// Every value has length l: no offsets to read, and one-byte values
		// (flags, statuses) are a plain byte gather.
		data = make([]byte, len(idx)*l)
		for i := range offsets {
			offsets[i] = int32(i * l)
		}
		if l == 1 {
			for i, x := range idx {
				data[i] = t.data[t.start[x]]
			}
		} else {
			for i, x := range idx {
				o := int(t.start[x])
				copy(data[i*l:(i+1)*l], t.data[o:o+l])
			}
		}
	} else {
		size := d.size
		if sel != nil {
			size = 0
			for _, x := range idx {
				size += int(t.end[x] - t.start[x])
			}
		}
		data = make([]byte, size)
		pos := int32(0)
		for i, x := range idx {
			pos += int32(copy(data[pos:], t.data[t.start[x]:t.end[x]]))
			offsets[i+1] = pos
		}
	}
	valid, nulls := d.validity(sel)
	arrData := array.NewData(arrow.BinaryTypes.String, len(idx),
		[]*memory.Buffer{valid, memory.NewBufferBytes(asBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer arrData.Release()
	return array.MakeFromData(arrData)
}
