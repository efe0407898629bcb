package exec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The hash is deterministic across processes (no random seed) on purpose:
// once stages run on several executors, rows hashed by RepartitionExec in
// different processes must land in the same partition.
const (
	hashNullValue = 0x2545f4914f6cdd1d // what a NULL hashes to, before combining
	hashPrime1    = 0x9e3779b97f4a7c15
	hashPrime2    = 0xc2b2ae3d27d4eb4f
	hashPrime3    = 0x165667b19e3779f9
)

// hashMix64 is the murmur3 finaliser: every input bit affects both the low
// bits (used for hash-table buckets) and the high bits (used to pick a
// repartition target), so the two uses stay independent.
func hashMix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// hashCombine folds the hash v of the next key column into h.
func hashCombine(h, v uint64) uint64 { return hashMix64(h*hashPrime1 ^ v) }

// hashBytes hashes a byte string 8 bytes at a time.
func hashBytes(b []byte) uint64 {
	h := uint64(len(b))*hashPrime2 + hashPrime3
	for len(b) >= 8 {
		v := binary.LittleEndian.Uint64(b)
		h = bits.RotateLeft64(h^(v*hashPrime2), 31) * hashPrime1
		b = b[8:]
	}
	if len(b) > 0 {
		var t uint64
		for i, c := range b {
			t |= uint64(c) << (8 * i)
		}
		h = bits.RotateLeft64(h^(t*hashPrime2), 31) * hashPrime1
	}
	return hashMix64(h)
}

// HashColumns computes a 64-bit hash per row over the key columns into out
// (len(out) must be the number of rows), combining the columns in order.
// Equal key tuples hash equally whatever the arrays' offsets; integer types
// hash their value (so an INT and a BIGINT holding 5 hash alike), floats
// treat -0 as 0, and NULL hashes to a fixed value (so NULL groups are
// stable for aggregation). The hash is deterministic across processes.
func HashColumns(cols []arrow.Array, out []uint64) {
	var scratch []uint64
	for i, c := range cols {
		if i == 0 {
			hashColumn(c, out)
			continue
		}
		if scratch == nil {
			scratch = make([]uint64, len(out))
		}
		hashColumn(c, scratch)
		for r, v := range scratch[:c.Len()] {
			out[r] = hashCombine(out[r], v)
		}
	}
}

// hashValidity returns the validity bitmap and bit offset of a, or nil when a has no NULLs.
func hashValidity(a arrow.Array) ([]byte, int) {
	if a.NullN() == 0 {
		return nil, 0
	}
	if a.DataType().ID() == arrow.NULL {
		return make([]byte, bitutil.BytesForBits(int64(a.Len()))), 0
	}
	return a.NullBitmapBytes(), a.Data().Offset()
}

// hashFixed returns the values of a fixed-width array as a []T, offset applied.
func hashFixed[T any](a arrow.Array) []T {
	d := a.Data()
	buf := d.Buffers()[1]
	if buf == nil || buf.Len() == 0 || a.Len() == 0 {
		return nil
	}
	var zero T
	w := int(unsafe.Sizeof(zero))
	b := buf.Bytes()
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/w)
	return all[d.Offset() : d.Offset()+a.Len()]
}

// hashIntValues widens an integer-like column (ints, dates, timestamps) to int64.
// ok is false for other types.
func hashIntValues(a arrow.Array, dst []int64) (out []int64, ok bool) {
	n := a.Len()
	if cap(dst) < n {
		dst = make([]int64, n)
	}
	dst = dst[:n]
	switch a.DataType().ID() {
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		copy(dst, hashFixed[int64](a))
	case arrow.UINT64:
		for i, v := range hashFixed[uint64](a) {
			dst[i] = int64(v)
		}
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		for i, v := range hashFixed[int32](a) {
			dst[i] = int64(v)
		}
	case arrow.UINT32:
		for i, v := range hashFixed[uint32](a) {
			dst[i] = int64(v)
		}
	case arrow.INT16:
		for i, v := range hashFixed[int16](a) {
			dst[i] = int64(v)
		}
	case arrow.UINT16:
		for i, v := range hashFixed[uint16](a) {
			dst[i] = int64(v)
		}
	case arrow.INT8:
		for i, v := range hashFixed[int8](a) {
			dst[i] = int64(v)
		}
	case arrow.UINT8:
		for i, v := range hashFixed[uint8](a) {
			dst[i] = int64(v)
		}
	default:
		return nil, false
	}
	return dst, true
}

// hashIsIntLike reports whether a key type takes the int64 fast path.
func hashIsIntLike(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION, arrow.UINT64,
		arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.UINT32, arrow.INT16, arrow.UINT16, arrow.INT8, arrow.UINT8:
		return true
	}
	return false
}

func hashFloat(f float64) uint64 {
	if f == 0 {
		f = 0 // -0 and +0 are equal in SQL
	}
	if f != f {
		f = math.NaN()
	}
	return hashMix64(math.Float64bits(f))
}

// hashColumn writes the hash of each value of a into out.
func hashColumn(a arrow.Array, out []uint64) {
	n := a.Len()
	out = out[:n]
	switch a.DataType().ID() {
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION, arrow.UINT64:
		for i, v := range hashFixed[uint64](a) {
			out[i] = hashMix64(v)
		}
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.UINT32, arrow.INT16, arrow.UINT16, arrow.INT8, arrow.UINT8:
		tmp, _ := hashIntValues(a, nil)
		for i, v := range tmp {
			out[i] = hashMix64(uint64(v))
		}
	case arrow.FLOAT64:
		for i, v := range hashFixed[float64](a) {
			out[i] = hashFloat(v)
		}
	case arrow.FLOAT32:
		for i, v := range hashFixed[float32](a) {
			out[i] = hashFloat(float64(v))
		}
	case arrow.DECIMAL128:
		for i, v := range hashFixed[decimal128.Num](a) {
			out[i] = hashMix64(v.LowBits() ^ hashMix64(uint64(v.HighBits())+hashPrime3))
		}
	case arrow.BOOL:
		b := a.(*array.Boolean)
		for i := 0; i < n; i++ {
			if b.Value(i) {
				out[i] = hashMix64(1)
			} else {
				out[i] = hashMix64(0)
			}
		}
	case arrow.STRING:
		s := a.(*array.String)
		offs, data := s.ValueOffsets(), hashStringData(a)
		for i := 0; i < n; i++ {
			out[i] = hashBytes(data[offs[i]:offs[i+1]])
		}
	case arrow.BINARY:
		s := a.(*array.Binary)
		offs, data := s.ValueOffsets(), hashStringData(a)
		for i := 0; i < n; i++ {
			out[i] = hashBytes(data[offs[i]:offs[i+1]])
		}
	case arrow.LARGE_STRING:
		s := a.(*array.LargeString)
		for i := 0; i < n; i++ {
			out[i] = hashBytes(unsafe.Slice(unsafe.StringData(s.Value(i)), len(s.Value(i))))
		}
	case arrow.NULL:
		// every row is NULL; handled below
	default:
		// Rare key types (intervals, nested types): slow but general.
		for i := 0; i < n; i++ {
			out[i] = hashBytes([]byte(a.ValueStr(i)))
		}
	}
	if bm, off := hashValidity(a); bm != nil {
		for i := 0; i < n; i++ {
			if !bitutil.BitIsSet(bm, off+i) {
				out[i] = hashNullValue
			}
		}
	}
}

// hashStringData returns the whole character buffer of a String/Binary
// array; offsets index into it directly (they are absolute).
func hashStringData(a arrow.Array) []byte {
	bufs := a.Data().Buffers()
	if len(bufs) < 3 || bufs[2] == nil {
		return nil
	}
	return bufs[2].Bytes()
}

// hashAnyNull returns, per row, whether any key column is NULL, or nil when
// no column has NULLs.
func hashAnyNull(cols []arrow.Array, n int) []bool {
	var out []bool
	for _, c := range cols {
		bm, off := hashValidity(c)
		if bm == nil {
			continue
		}
		if out == nil {
			out = make([]bool, n)
		}
		for i := 0; i < n; i++ {
			if !bitutil.BitIsSet(bm, off+i) {
				out[i] = true
			}
		}
	}
	return out
}

// hashKeysEqual clears keep[k] when a[ai[k]] != b[bi[k]]. Both arrays have
// the same type; the rows compared are never NULL (NULL keys are filtered
// before candidates are formed).
func hashKeysEqual(a, b arrow.Array, ai, bi []int32, keep []bool) error {
	if a.DataType().ID() != b.DataType().ID() {
		// Integer-like keys of different widths compare by value.
		x, okx := hashIntValues(a, nil)
		y, oky := hashIntValues(b, nil)
		if !okx || !oky {
			return fmt.Errorf("join key types differ: %s vs %s", a.DataType(), b.DataType())
		}
		hashEqFixed(x, y, ai, bi, keep)
		return nil
	}
	switch a.DataType().ID() {
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION, arrow.UINT64:
		hashEqFixed(hashFixed[uint64](a), hashFixed[uint64](b), ai, bi, keep)
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.UINT32:
		hashEqFixed(hashFixed[uint32](a), hashFixed[uint32](b), ai, bi, keep)
	case arrow.INT16, arrow.UINT16:
		hashEqFixed(hashFixed[uint16](a), hashFixed[uint16](b), ai, bi, keep)
	case arrow.INT8, arrow.UINT8:
		hashEqFixed(hashFixed[uint8](a), hashFixed[uint8](b), ai, bi, keep)
	case arrow.DECIMAL128, arrow.INTERVAL_MONTH_DAY_NANO:
		hashEqFixed(hashFixed[[2]uint64](a), hashFixed[[2]uint64](b), ai, bi, keep)
	case arrow.FLOAT64:
		hashEqFixed(hashFixed[float64](a), hashFixed[float64](b), ai, bi, keep)
	case arrow.FLOAT32:
		hashEqFixed(hashFixed[float32](a), hashFixed[float32](b), ai, bi, keep)
	case arrow.BOOL:
		x, y := a.(*array.Boolean), b.(*array.Boolean)
		for k := range keep {
			if keep[k] && x.Value(int(ai[k])) != y.Value(int(bi[k])) {
				keep[k] = false
			}
		}
	case arrow.STRING, arrow.BINARY:
		ao, ad := hashOffsets(a), hashStringData(a)
		bo, bd := hashOffsets(b), hashStringData(b)
		for k := range keep {
			if !keep[k] {
				continue
			}
			i, j := ai[k], bi[k]
			if string(ad[ao[i]:ao[i+1]]) != string(bd[bo[j]:bo[j+1]]) {
				keep[k] = false
			}
		}
	case arrow.NULL:
		for k := range keep {
			keep[k] = false
		}
	default:
		for k := range keep {
			if keep[k] && a.ValueStr(int(ai[k])) != b.ValueStr(int(bi[k])) {
				keep[k] = false
			}
		}
	}
	return nil
}

func hashEqFixed[T comparable](a, b []T, ai, bi []int32, keep []bool) {
	for k := range keep {
		if keep[k] && a[ai[k]] != b[bi[k]] {
			keep[k] = false
		}
	}
}

// hashOffsets returns the offsets of a String or Binary array (offset applied).
func hashOffsets(a arrow.Array) []int32 {
	switch s := a.(type) {
	case *array.String:
		return s.ValueOffsets()
	case *array.Binary:
		return s.ValueOffsets()
	}
	return nil
}

// hashKeyTypesCompatible reports whether keys of types a and b can be
// compared by HashColumns + hashKeysEqual: equal types, integer-like types
// of any width (compared by value), or decimals of the same scale.
func hashKeyTypesCompatible(a, b arrow.DataType) bool {
	if arrow.TypeEqual(a, b) || (hashIsIntLike(a) && hashIsIntLike(b)) {
		return true
	}
	da, okA := a.(*arrow.Decimal128Type)
	db, okB := b.(*arrow.Decimal128Type)
	return okA && okB && da.Scale == db.Scale
}
