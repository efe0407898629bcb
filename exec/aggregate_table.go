package exec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// Group-key hash tables. Both map each input row to a dense group id
// (0, 1, 2, ... in order of first appearance) and report the rows that
// created new groups, so the caller can gather the key values of new groups
// with one vectorized take per batch.

const aggHashMul = 0x9e3779b97f4a7c15

// aggIsIntLike reports types whose values widen losslessly to int64, so a
// single key of that type can use aggIntTable.
func aggIsIntLike(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64, arrow.DURATION:
		return true
	}
	return false
}

// aggInt64Values returns the values of an int-like array as int64, widening
// into scratch when the type is narrower (no copy for 64-bit types).
func aggInt64Values(arr arrow.Array, scratch []int64) ([]int64, []int64) {
	n := arr.Len()
	if n == 0 {
		return nil, scratch
	}
	d := arr.Data()
	widen := func() []int64 {
		if cap(scratch) < n {
			scratch = make([]int64, n)
		}
		return scratch[:n]
	}
	switch arr.DataType().ID() {
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		return arrow.GetValues[int64](d, 1), scratch
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		out := widen()
		for i, v := range arrow.GetValues[int32](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.INT16:
		out := widen()
		for i, v := range arrow.GetValues[int16](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.INT8:
		out := widen()
		for i, v := range arrow.GetValues[int8](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.UINT32:
		out := widen()
		for i, v := range arrow.GetValues[uint32](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.UINT16:
		out := widen()
		for i, v := range arrow.GetValues[uint16](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.UINT8:
		out := widen()
		for i, v := range arrow.GetValues[uint8](d, 1) {
			out[i] = int64(v)
		}
		return out, scratch
	case arrow.UINT64:
		out := widen()
		for i, v := range arrow.GetValues[uint64](d, 1) {
			out[i] = int64(v) // callers check range where it matters
		}
		return out, scratch
	}
	return nil, scratch
}

// aggValidity returns the validity bitmap and bit offset of arr, or nil
// when arr has no NULLs.
func aggValidity(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	d := arr.Data()
	return d.Buffers()[0].Bytes(), d.Offset()
}

// aggIntTable groups by a single int-like key: open addressing with linear
// probing over a power-of-two slot array, keys stored per group.
type aggIntTable struct {
	slots     []uint32 // group id + 1; 0 = empty
	keys      []int64  // by group id (unused for the NULL group)
	shift     uint
	nullGroup int64 // -1 until a NULL key is seen
	n         int
	scratch   []int64
}

func newAggIntTable() *aggIntTable {
	t := &aggIntTable{nullGroup: -1}
	t.rehash(1024)
	return t
}

func (t *aggIntTable) rehash(size int) {
	t.slots = make([]uint32, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for g, k := range t.keys {
		if int64(g) == t.nullGroup {
			continue
		}
		p := (uint64(k) * aggHashMul) >> t.shift
		for t.slots[p] != 0 {
			p = (p + 1) & mask
		}
		t.slots[p] = uint32(g) + 1
	}
}

// insert assigns groups[i] for every row of key and appends the rows that
// started a group to newRows.
func (t *aggIntTable) insert(key arrow.Array, groups []uint32, newRows []int32) []int32 {
	var vals []int64
	vals, t.scratch = aggInt64Values(key, t.scratch)
	valid, voff := aggValidity(key)
	mask := uint64(len(t.slots) - 1)
	for i, k := range vals {
		if valid != nil && !bitutil.BitIsSet(valid, voff+i) {
			if t.nullGroup < 0 {
				t.nullGroup = int64(t.n)
				t.keys = append(t.keys, 0)
				t.n++
				newRows = append(newRows, int32(i))
			}
			groups[i] = uint32(t.nullGroup)
			continue
		}
		p := (uint64(k) * aggHashMul) >> t.shift
		for {
			s := t.slots[p]
			if s == 0 {
				g := uint32(t.n)
				t.slots[p] = g + 1
				t.keys = append(t.keys, k)
				t.n++
				groups[i] = g
				newRows = append(newRows, int32(i))
				if t.n*2 > len(t.slots) {
					t.rehash(len(t.slots) * 2)
					mask = uint64(len(t.slots) - 1)
				}
				break
			}
			if t.keys[s-1] == k {
				groups[i] = s - 1
				break
			}
			p = (p + 1) & mask
		}
	}
	return newRows
}

func (t *aggIntTable) size() int64 { return int64(cap(t.slots))*4 + int64(cap(t.keys))*8 }

// aggRowEncoder encodes the key columns of each row into one byte string:
// per column a NULL flag, then the value (fixed width, or a 4-byte length and
// the bytes for strings). Equal keys encode equally, so the byte table can
// compare keys with one bytes.Equal. Columns are encoded one at a time.
type aggRowEncoder struct {
	buf  []byte
	offs []int
	pos  []int
}

// aggFixedWidth returns the encoded value width of a fixed-width key type, or 0.
func aggFixedWidth(t arrow.DataType) int {
	switch t.ID() {
	case arrow.BOOL, arrow.INT8, arrow.UINT8:
		return 1
	case arrow.INT16, arrow.UINT16:
		return 2
	case arrow.INT32, arrow.UINT32, arrow.DATE32, arrow.TIME32, arrow.FLOAT32:
		return 4
	case arrow.INT64, arrow.UINT64, arrow.DATE64, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION, arrow.FLOAT64:
		return 8
	case arrow.DECIMAL128:
		return 16
	case arrow.NULL:
		return 0
	}
	return -1
}

// encode encodes n rows; prefix, when not nil, is a group id written first
// (used by DISTINCT aggregates to key on (group, value)).
func (e *aggRowEncoder) encode(cols []arrow.Array, prefix []uint32, n int) error {
	if cap(e.offs) < n+1 {
		e.offs = make([]int, n+1)
		e.pos = make([]int, n)
	}
	offs, pos := e.offs[:n+1], e.pos[:n]
	base := 0
	if prefix != nil {
		base = 4
	}
	fixed := 0
	var strCols []arrow.Array
	for _, c := range cols {
		w := aggFixedWidth(c.DataType())
		switch {
		case w >= 0:
			fixed += 1 + w
		case c.DataType().ID() == arrow.STRING || c.DataType().ID() == arrow.BINARY ||
			c.DataType().ID() == arrow.LARGE_STRING || c.DataType().ID() == arrow.LARGE_BINARY:
			fixed += 5
			strCols = append(strCols, c)
		default:
			return fmt.Errorf("grouping by %s is not supported", c.DataType())
		}
	}
	for i := 0; i < n; i++ {
		offs[i+1] = base + fixed
	}
	for _, c := range strCols {
		valid, voff := aggValidity(c)
		d := c.Data()
		if d.DataType().ID() == arrow.LARGE_STRING || d.DataType().ID() == arrow.LARGE_BINARY {
			o := arrow.GetOffsets[int64](d, 1)
			for i := 0; i < n; i++ {
				if valid == nil || bitutil.BitIsSet(valid, voff+i) {
					offs[i+1] += int(o[i+1] - o[i])
				}
			}
		} else {
			o := arrow.GetOffsets[int32](d, 1)
			for i := 0; i < n; i++ {
				if valid == nil || bitutil.BitIsSet(valid, voff+i) {
					offs[i+1] += int(o[i+1] - o[i])
				}
			}
		}
	}
	offs[0] = 0
	for i := 0; i < n; i++ {
		offs[i+1] += offs[i]
	}
	total := offs[n]
	if cap(e.buf) < total {
		e.buf = make([]byte, total+total/4)
	}
	buf := e.buf[:total]
	copy(pos, offs[:n])
	if prefix != nil {
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint32(buf[pos[i]:], prefix[i])
			pos[i] += 4
		}
	}
	for _, c := range cols {
		aggEncodeColumn(c, buf, pos, n)
	}
	e.buf, e.offs, e.pos = buf, offs, pos
	return nil
}

// key returns the encoded key of row i.
func (e *aggRowEncoder) key(i int) []byte { return e.buf[e.offs[i]:e.offs[i+1]] }

func aggEncodeColumn(c arrow.Array, buf []byte, pos []int, n int) {
	valid, voff := aggValidity(c)
	isValid := func(i int) bool { return valid == nil || bitutil.BitIsSet(valid, voff+i) }
	d := c.Data()
	switch c.DataType().ID() {
	case arrow.NULL:
		for i := 0; i < n; i++ {
			buf[pos[i]] = 0
			pos[i]++
		}
	case arrow.BOOL:
		vals := d.Buffers()[1].Bytes()
		for i := 0; i < n; i++ {
			p := pos[i]
			buf[p], buf[p+1] = 0, 0
			if isValid(i) {
				buf[p] = 1
				if bitutil.BitIsSet(vals, d.Offset()+i) {
					buf[p+1] = 1
				}
			}
			pos[i] = p + 2
		}
	case arrow.FLOAT64:
		vals := arrow.GetValues[float64](d, 1)
		for i := 0; i < n; i++ {
			p := pos[i]
			var bitsV uint64
			if isValid(i) {
				buf[p] = 1
				bitsV = aggFloatBits(vals[i])
			} else {
				buf[p] = 0
			}
			binary.LittleEndian.PutUint64(buf[p+1:], bitsV)
			pos[i] = p + 9
		}
	case arrow.FLOAT32:
		vals := arrow.GetValues[float32](d, 1)
		for i := 0; i < n; i++ {
			p := pos[i]
			var bitsV uint32
			if isValid(i) {
				buf[p] = 1
				f := vals[i]
				if f == 0 {
					f = 0
				}
				if f != f {
					f = float32(math.NaN())
				}
				bitsV = math.Float32bits(f)
			} else {
				buf[p] = 0
			}
			binary.LittleEndian.PutUint32(buf[p+1:], bitsV)
			pos[i] = p + 5
		}
	case arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY:
		var data []byte
		if d.Buffers()[2] != nil {
			data = d.Buffers()[2].Bytes()
		}
		large := c.DataType().ID() == arrow.LARGE_STRING || c.DataType().ID() == arrow.LARGE_BINARY
		var o32 []int32
		var o64 []int64
		if large {
			o64 = arrow.GetOffsets[int64](d, 1)
		} else {
			o32 = arrow.GetOffsets[int32](d, 1)
		}
		for i := 0; i < n; i++ {
			p := pos[i]
			if !isValid(i) {
				buf[p] = 0
				binary.LittleEndian.PutUint32(buf[p+1:], 0)
				pos[i] = p + 5
				continue
			}
			var s []byte
			if large {
				s = data[o64[i]:o64[i+1]]
			} else {
				s = data[o32[i]:o32[i+1]]
			}
			buf[p] = 1
			binary.LittleEndian.PutUint32(buf[p+1:], uint32(len(s)))
			pos[i] = p + 5 + copy(buf[p+5:], s)
		}
	default:
		w := aggFixedWidth(c.DataType())
		raw := d.Buffers()[1].Bytes()[d.Offset()*w:]
		for i := 0; i < n; i++ {
			p := pos[i]
			if isValid(i) {
				buf[p] = 1
				copy(buf[p+1:p+1+w], raw[i*w:(i+1)*w])
			} else {
				buf[p] = 0
				clear(buf[p+1 : p+1+w])
			}
			pos[i] = p + 1 + w
		}
	}
}

// aggFloatBits normalises a float for grouping: -0 groups with 0, all NaNs together.
func aggFloatBits(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}

// aggHashBytes is a fast non-cryptographic hash for short encoded keys.
func aggHashBytes(b []byte) uint64 {
	h := uint64(len(b)) * aggHashMul
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xff51afd7ed558ccd
		h ^= h >> 32
		b = b[8:]
	}
	var t uint64
	for i, c := range b {
		t |= uint64(c) << (8 * i)
	}
	h = (h ^ t) * 0xc4ceb9fe1a85ec53
	h ^= h >> 29
	h *= aggHashMul
	return h ^ h>>32
}

// aggBytesTable groups by encoded keys: open addressing over group ids, the
// keys of all groups packed in one arena.
type aggBytesTable struct {
	slots  []uint32 // group id + 1; 0 = empty
	hashes []uint64 // by group id
	offs   []int    // group g's key is arena[offs[g]:offs[g+1]]
	arena  []byte
	mask   uint64
}

func newAggBytesTable() *aggBytesTable {
	t := &aggBytesTable{offs: []int{0}}
	t.rehash(1024)
	return t
}

func (t *aggBytesTable) groups() int { return len(t.hashes) }

func (t *aggBytesTable) rehash(size int) {
	t.slots = make([]uint32, size)
	t.mask = uint64(size - 1)
	for g, h := range t.hashes {
		p := h & t.mask
		for t.slots[p] != 0 {
			p = (p + 1) & t.mask
		}
		t.slots[p] = uint32(g) + 1
	}
}

// insert assigns groups[i] for the n encoded rows and appends the rows
// that started a group to newRows.
func (t *aggBytesTable) insert(enc *aggRowEncoder, n int, groups []uint32, newRows []int32) []int32 {
	for i := 0; i < n; i++ {
		k := enc.key(i)
		h := aggHashBytes(k)
		p := h & t.mask
		for {
			s := t.slots[p]
			if s == 0 {
				g := uint32(len(t.hashes))
				t.slots[p] = g + 1
				t.hashes = append(t.hashes, h)
				t.arena = append(t.arena, k...)
				t.offs = append(t.offs, len(t.arena))
				groups[i] = g
				newRows = append(newRows, int32(i))
				if len(t.hashes)*2 > len(t.slots) {
					t.rehash(len(t.slots) * 2)
				}
				break
			}
			g := s - 1
			if t.hashes[g] == h && bytes.Equal(t.arena[t.offs[g]:t.offs[g+1]], k) {
				groups[i] = g
				break
			}
			p = (p + 1) & t.mask
		}
	}
	return newRows
}

func (t *aggBytesTable) size() int64 {
	return int64(cap(t.slots))*4 + int64(cap(t.hashes))*8 + int64(cap(t.offs))*8 + int64(cap(t.arena))
}
