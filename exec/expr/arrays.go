package expr

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file holds the low-level plumbing shared by all kernels: reading
// validity bitmaps normalized to bit offset 0, and wrapping Go slices as Arrow
// arrays without copying. Kernels allocate their outputs as plain Go slices
// (garbage collected, as the exec package's batches are) and never write into
// an input buffer: buffers may be shared between arrays.

// memoryAlloc allocates the few buffers that go through arrow-go helpers.
var memoryAlloc = memory.DefaultAllocator

// bitmapLen is the number of bytes a bitmap of n bits needs.
func bitmapLen(n int) int { return (n + 7) / 8 }

// validity returns the validity bitmap of a as n bits starting at bit 0, or
// nil when a has no nulls. The result may share memory with a: read only.
func validity(a arrow.Array) []byte {
	if a.NullN() == 0 {
		return nil
	}
	if a.DataType().ID() == arrow.NULL {
		return make([]byte, bitmapLen(a.Len()))
	}
	return normBitmap(a.NullBitmapBytes(), a.Data().Offset(), a.Len())
}

// normBitmap returns n bits of bits starting at bit off, realigned to bit 0
// (shared when off is a multiple of 8, copied otherwise).
func normBitmap(bits []byte, off, n int) []byte {
	if off%8 == 0 {
		return bits[off/8 : off/8+bitmapLen(n)]
	}
	out := make([]byte, bitmapLen(n))
	bitutil.CopyBitmap(bits, off, n, out, 0)
	return out
}

// andValidity combines validity bitmaps (nil = all valid) into a fresh
// bitmap, or nil when all inputs are nil.
func andValidity(n int, vs ...[]byte) []byte {
	var out []byte
	for _, v := range vs {
		if v == nil {
			continue
		}
		if out == nil {
			out = make([]byte, bitmapLen(n))
			copy(out, v)
			continue
		}
		for i := range out {
			out[i] &= v[i]
		}
	}
	return out
}

// cloneBitmap returns a writable copy of v (nil stays nil).
func cloneBitmap(v []byte) []byte {
	if v == nil {
		return nil
	}
	return append([]byte(nil), v...)
}

// allValid returns a bitmap of n set bits.
func allValid(n int) []byte {
	out := make([]byte, bitmapLen(n))
	for i := range out {
		out[i] = 0xff
	}
	return out
}

// isValid reports whether bit i of a validity bitmap is set (nil = valid).
func isValid(v []byte, i int) bool {
	return v == nil || v[i>>3]&(1<<uint(i&7)) != 0
}

func setBit(b []byte, i int)   { b[i>>3] |= 1 << uint(i&7) }
func clearBit(b []byte, i int) { b[i>>3] &^= 1 << uint(i&7) }
func getBit(b []byte, i int) bool {
	return b[i>>3]&(1<<uint(i&7)) != 0
}

// b2u8 converts a bool to 0/1; the compiler turns it into a SETcc, which keeps
// comparison loops branch-free.
func b2u8(b bool) byte {
	var x byte
	if b {
		x = 1
	}
	return x
}

// validityBuffer wraps a bitmap as a buffer, nil when there are no nulls.
func validityBuffer(v []byte) *memory.Buffer {
	if v == nil {
		return nil
	}
	return memory.NewBufferBytes(v)
}

// newFixed wraps vals (and validity, nil = no nulls) as an array of type t.
func newFixed[T arrow.FixedWidthType](t arrow.DataType, vals []T, valid []byte) arrow.Array {
	nulls := 0
	if valid != nil {
		nulls = array.UnknownNullCount
	}
	buf := memory.NewBufferBytes(arrow.GetBytes(vals))
	data := array.NewData(t, len(vals), []*memory.Buffer{validityBuffer(valid), buf}, nil, nulls, 0)
	return array.MakeFromData(data)
}

// newBool wraps a value bitmap of n bits as a Boolean array.
func newBool(n int, vals, valid []byte) arrow.Array {
	nulls := 0
	if valid != nil {
		nulls = array.UnknownNullCount
	}
	data := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{validityBuffer(valid), memory.NewBufferBytes(vals)}, nil, nulls, 0)
	return array.NewBooleanData(data)
}

// newString wraps offsets (n+1 entries) and bytes as a String array.
func newString(offsets []int32, data []byte, valid []byte) arrow.Array {
	nulls := 0
	if valid != nil {
		nulls = array.UnknownNullCount
	}
	n := len(offsets) - 1
	buf := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets))
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{validityBuffer(valid), buf, memory.NewBufferBytes(data)}, nil, nulls, 0)
	return array.NewStringData(d)
}

// nullArray returns n NULLs of type t.
func nullArray(t arrow.DataType, n int) arrow.Array {
	if t.ID() == arrow.NULL {
		return array.NewNull(n)
	}
	valid := make([]byte, bitmapLen(n))
	switch t.ID() {
	case arrow.BOOL:
		return newBool(n, make([]byte, bitmapLen(n)), valid)
	case arrow.STRING:
		return newString(make([]int32, n+1), nil, valid)
	}
	if fw, ok := t.(arrow.FixedWidthDataType); ok && fw.BitWidth()%8 == 0 {
		buf := memory.NewBufferBytes(make([]byte, n*fw.BitWidth()/8))
		data := array.NewData(t, n, []*memory.Buffer{memory.NewBufferBytes(valid), buf}, nil, n, 0)
		return array.MakeFromData(data)
	}
	// Anything else (nested types) goes through a builder.
	b := array.NewBuilder(memory.DefaultAllocator, t)
	defer b.Release()
	b.AppendNulls(n)
	return b.NewArray()
}

// strings gives direct access to a String array: value i is
// data[offs[i]:offs[i+1]] (offsets are absolute into data).
func stringData(a *array.String) (offs []int32, data []byte) {
	offs = a.ValueOffsets()
	if b := a.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	return offs, data
}

// boolBits returns the value bitmap of a Boolean array realigned to bit 0.
func boolBits(a *array.Boolean) []byte {
	return normBitmap(a.Data().Buffers()[1].Bytes(), a.Data().Offset(), a.Len())
}

// stringBuilder accumulates string values for a String array; it is sized
// up-front by callers that know a bound of the output bytes.
type stringBuilder struct {
	offsets []int32
	data    []byte
}

func newStringBuilder(n, dataCap int) *stringBuilder {
	offs := make([]int32, 1, n+1)
	return &stringBuilder{offsets: offs, data: make([]byte, 0, dataCap)}
}

func (b *stringBuilder) append(s []byte) {
	b.data = append(b.data, s...)
	b.offsets = append(b.offsets, int32(len(b.data)))
}

func (b *stringBuilder) appendString(s string) {
	b.data = append(b.data, s...)
	b.offsets = append(b.offsets, int32(len(b.data)))
}

// appendEmpty adds an empty value (used under NULL slots).
func (b *stringBuilder) appendEmpty() { b.offsets = append(b.offsets, int32(len(b.data))) }

// finish wraps the values as an array. Utf8 offsets are 32-bit: a batch
// whose strings exceed 2 GiB is an error rather than silently wrapping.
func (b *stringBuilder) finish(valid []byte) (arrow.Array, error) {
	if len(b.data) > math.MaxInt32 {
		return nil, fmt.Errorf("string results of one batch exceed 2 GiB (%d bytes)", len(b.data))
	}
	return newString(b.offsets, b.data, valid), nil
}
