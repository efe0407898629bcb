package exec

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// sortKind says how a sort column's values are held for comparison. Every
// integer-like type (ints, dates, timestamps, booleans) widens to int64, so
// the comparator only needs a handful of cases.
type sortKind uint8

const (
	sortKindInt sortKind = iota
	sortKindUint
	sortKindFloat
	sortKindDecimal
	sortKindString
	sortKindLargeString
	sortKindNull // the NULL type: every value is NULL
)

// sortCol is one sort key column prepared for fast comparisons: typed value
// slices instead of interface calls per row.
type sortCol struct {
	kind       sortKind
	desc       bool
	nullsFirst bool
	hasNulls   bool
	valid      []byte // validity bitmap, nil when no NULLs
	voff       int    // bit offset into valid
	i64        []int64
	u64        []uint64
	f64        []float64
	dec        []decimal128.Num
	offs       []int32
	loffs      []int64
	data       []byte
}

// newSortCol prepares arr for comparisons under key's direction.
func newSortCol(arr arrow.Array, key SortKey) (sortCol, error) {
	c := sortCol{desc: key.Desc, nullsFirst: key.NullsFirst}
	data := arr.Data()
	if arr.NullN() > 0 {
		c.hasNulls = true
		if arr.DataType().ID() != arrow.NULL {
			c.valid = data.Buffers()[0].Bytes()
			c.voff = data.Offset()
		}
	}
	n := arr.Len()
	switch arr.DataType().ID() {
	case arrow.NULL:
		c.kind = sortKindNull
		c.hasNulls = n > 0
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64, arrow.TIME64, arrow.DURATION:
		c.kind = sortKindInt
		c.i64 = sortValues[int64](arr)
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		c.kind = sortKindInt
		c.i64 = sortWiden(sortValues[int32](arr), func(v int32) int64 { return int64(v) })
	case arrow.INT16:
		c.kind = sortKindInt
		c.i64 = sortWiden(sortValues[int16](arr), func(v int16) int64 { return int64(v) })
	case arrow.INT8:
		c.kind = sortKindInt
		c.i64 = sortWiden(sortValues[int8](arr), func(v int8) int64 { return int64(v) })
	case arrow.BOOL:
		c.kind = sortKindInt
		c.i64 = make([]int64, n)
		b := arr.(*array.Boolean)
		for i := range c.i64 {
			if b.Value(i) {
				c.i64[i] = 1
			}
		}
	case arrow.UINT64:
		c.kind = sortKindUint
		c.u64 = sortValues[uint64](arr)
	case arrow.UINT32:
		c.kind = sortKindUint
		c.u64 = sortWiden(sortValues[uint32](arr), func(v uint32) uint64 { return uint64(v) })
	case arrow.UINT16:
		c.kind = sortKindUint
		c.u64 = sortWiden(sortValues[uint16](arr), func(v uint16) uint64 { return uint64(v) })
	case arrow.UINT8:
		c.kind = sortKindUint
		c.u64 = sortWiden(sortValues[uint8](arr), func(v uint8) uint64 { return uint64(v) })
	case arrow.FLOAT64:
		c.kind = sortKindFloat
		c.f64 = sortValues[float64](arr)
	case arrow.FLOAT32:
		c.kind = sortKindFloat
		c.f64 = sortWiden(sortValues[float32](arr), func(v float32) float64 { return float64(v) })
	case arrow.DECIMAL128:
		c.kind = sortKindDecimal
		c.dec = sortValues[decimal128.Num](arr)
	case arrow.STRING, arrow.BINARY:
		c.kind = sortKindString
		if n > 0 || data.Buffers()[1] != nil {
			c.offs = arrow.GetOffsets[int32](data, 1)
		}
		if data.Buffers()[2] != nil {
			c.data = data.Buffers()[2].Bytes()
		}
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		c.kind = sortKindLargeString
		if n > 0 || data.Buffers()[1] != nil {
			c.loffs = arrow.GetOffsets[int64](data, 1)
		}
		if data.Buffers()[2] != nil {
			c.data = data.Buffers()[2].Bytes()
		}
	default:
		return c, fmt.Errorf("sorting by %s is not supported", arr.DataType())
	}
	return c, nil
}

// sortValues returns the fixed-width values of arr (empty when arr is).
func sortValues[T arrow.FixedWidthType](arr arrow.Array) []T {
	if arr.Len() == 0 {
		return nil
	}
	return arrow.GetValues[T](arr.Data(), 1)
}

func sortWiden[S, D any](in []S, f func(S) D) []D {
	out := make([]D, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func (c *sortCol) isNull(i int) bool {
	if !c.hasNulls {
		return false
	}
	if c.kind == sortKindNull {
		return true
	}
	return !bitutil.BitIsSet(c.valid, c.voff+i)
}

func (c *sortCol) str(i int) []byte {
	if c.kind == sortKindString {
		return c.data[c.offs[i]:c.offs[i+1]]
	}
	return c.data[c.loffs[i]:c.loffs[i+1]]
}

// sortCmpFloat orders floats totally: -0 equals 0, NaN sorts after +Inf.
func sortCmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	an, bn := a != a, b != b
	switch {
	case an && bn, a == b:
		return 0
	case an:
		return 1
	default:
		return -1
	}
}

// sortCmpVals compares the non-NULL values a[i] and b[j] ascending; a and b
// have the same kind.
func sortCmpVals(a *sortCol, i int, b *sortCol, j int) int {
	switch a.kind {
	case sortKindInt:
		return cmp.Compare(a.i64[i], b.i64[j])
	case sortKindUint:
		return cmp.Compare(a.u64[i], b.u64[j])
	case sortKindFloat:
		return sortCmpFloat(a.f64[i], b.f64[j])
	case sortKindDecimal:
		return a.dec[i].Cmp(b.dec[j])
	case sortKindString, sortKindLargeString:
		return bytes.Compare(a.str(i), b.str(j))
	}
	return 0
}

// sortCmpKey compares a[i] with b[j] under the key's direction and NULL order.
func sortCmpKey(a *sortCol, i int, b *sortCol, j int) int {
	an, bn := a.isNull(i), b.isNull(j)
	if an || bn {
		switch {
		case an && bn:
			return 0
		case an == a.nullsFirst:
			return -1
		default:
			return 1
		}
	}
	c := sortCmpVals(a, i, b, j)
	if a.desc {
		return -c
	}
	return c
}

// sortCmpRows compares row i of key columns a with row j of key columns b.
func sortCmpRows(a []sortCol, i int, b []sortCol, j int) int {
	for k := range a {
		if c := sortCmpKey(&a[k], i, &b[k], j); c != 0 {
			return c
		}
	}
	return 0
}

// sortEntry pairs a row with an order-preserving 64-bit prefix of its first
// key, so most comparisons are one integer compare.
type sortEntry struct {
	key uint64
	idx uint32
}

// sortPrefix computes the normalised prefix of the first key for the
// non-NULL rows. exact reports that equal prefixes mean equal values.
func sortPrefix(c *sortCol, rows []uint32, out []sortEntry) (exact bool) {
	const sign = uint64(1) << 63
	exact = true
	switch c.kind {
	case sortKindInt:
		for k, r := range rows {
			out[k] = sortEntry{uint64(c.i64[r]) ^ sign, r}
		}
	case sortKindUint:
		for k, r := range rows {
			out[k] = sortEntry{c.u64[r], r}
		}
	case sortKindFloat:
		for k, r := range rows {
			out[k] = sortEntry{sortFloatKey(c.f64[r]), r}
		}
	case sortKindDecimal:
		fits := true
		for _, r := range rows {
			d := c.dec[r]
			if d.HighBits() != int64(d.LowBits())>>63 {
				fits = false
				break
			}
		}
		for k, r := range rows {
			d := c.dec[r]
			if fits {
				out[k] = sortEntry{d.LowBits() ^ sign, r}
			} else {
				out[k] = sortEntry{uint64(d.HighBits()) ^ sign, r}
			}
		}
		exact = fits
	case sortKindString, sortKindLargeString:
		var buf [8]byte
		for k, r := range rows {
			s := c.str(int(r))
			var p uint64
			if len(s) >= 8 {
				p = binary.BigEndian.Uint64(s)
			} else {
				buf = [8]byte{}
				copy(buf[:], s)
				p = binary.BigEndian.Uint64(buf[:])
			}
			out[k] = sortEntry{p, r}
		}
		exact = false
	default:
		for k, r := range rows {
			out[k] = sortEntry{0, r}
		}
	}
	if c.desc {
		for k := range out {
			out[k].key = ^out[k].key
		}
	}
	return exact
}

// sortFloatKey maps a float to a uint64 with the same order as sortCmpFloat.
func sortFloatKey(f float64) uint64 {
	if f == 0 {
		f = 0 // fold -0 into 0
	}
	if f != f {
		return math.MaxUint64 // every NaN is equal and greatest
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// sortPermutation returns the row order of n rows sorted by cols, ties
// broken by row number so the sort is stable and deterministic.
func sortPermutation(cols []sortCol, n int) []int32 {
	perm := make([]int32, 0, n)
	if n == 0 {
		return perm
	}
	if len(cols) == 0 {
		for i := 0; i < n; i++ {
			perm = append(perm, int32(i))
		}
		return perm
	}
	first := &cols[0]
	nonNull := make([]uint32, 0, n)
	var nulls []int32
	for i := 0; i < n; i++ {
		if first.isNull(i) {
			nulls = append(nulls, int32(i))
		} else {
			nonNull = append(nonNull, uint32(i))
		}
	}
	entries := make([]sortEntry, len(nonNull))
	exact := sortPrefix(first, nonNull, entries)
	nonNull = nil
	rest := cols[1:]
	tieCols := rest
	if !exact {
		tieCols = cols
	}
	entries = sortEntries(entries)
	if len(tieCols) > 0 {
		// Runs of equal prefixes are ordered by the remaining keys (or the
		// full first key when the prefix is not exact), then row number.
		tie := func(a, b sortEntry) int {
			if c := sortCmpRows(tieCols, int(a.idx), tieCols, int(b.idx)); c != 0 {
				return c
			}
			return cmp.Compare(a.idx, b.idx)
		}
		for start := 0; start < len(entries); {
			end := start + 1
			for end < len(entries) && entries[end].key == entries[start].key {
				end++
			}
			if end-start > 1 {
				slices.SortFunc(entries[start:end], tie)
			}
			start = end
		}
	}
	if len(nulls) > 0 && len(rest) > 0 {
		slices.SortFunc(nulls, func(a, b int32) int {
			if c := sortCmpRows(rest, int(a), rest, int(b)); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
	}
	if first.nullsFirst {
		perm = append(perm, nulls...)
	}
	for _, e := range entries {
		perm = append(perm, int32(e.idx))
	}
	if !first.nullsFirst {
		perm = append(perm, nulls...)
	}
	return perm
}

// sortEntries orders entries by key, ties by idx (entries arrive in idx
// order). Large inputs use an LSD radix sort, which is stable and skips the
// byte positions where all keys agree (common for dates and small ints).
func sortEntries(entries []sortEntry) []sortEntry {
	n := len(entries)
	if n < 512 {
		slices.SortFunc(entries, func(a, b sortEntry) int {
			if a.key != b.key {
				if a.key < b.key {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.idx, b.idx)
		})
		return entries
	}
	var counts [8][256]int
	for _, e := range entries {
		k := e.key
		for b := 0; b < 8; b++ {
			counts[b][byte(k>>(8*b))]++
		}
	}
	src, dst := entries, make([]sortEntry, n)
	for b := 0; b < 8; b++ {
		c := &counts[b]
		shift := uint(8 * b)
		if c[byte(src[0].key>>shift)] == n {
			continue // every key has the same byte here
		}
		sum := 0
		for d := range c {
			c[d], sum = sum, sum+c[d]
		}
		for _, e := range src {
			d := byte(e.key >> shift)
			dst[c[d]] = e
			c[d]++
		}
		src, dst = dst, src
	}
	return src
}
