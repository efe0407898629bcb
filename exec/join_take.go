package exec

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Take gathers src[idx[k]] for every k into a new array; idx -1 yields
// NULL. Operators outside this package (the shuffle writer) use it to split
// batches by partition.
func Take(src arrow.Array, idx []int32) (arrow.Array, error) { return joinTake(src, idx) }

// joinTake gathers src[idx[k]] for every k into a new array; idx -1 yields
// NULL. It is type-specialised for the fixed-width, boolean and string
// layouts the engine uses and falls back to Arrow's Take kernel otherwise.
func joinTake(src arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	dt := src.DataType()
	if dt.ID() == arrow.NULL {
		return array.NewNull(n), nil
	}
	srcBM, srcOff := hashValidity(src)
	// Validity of the result: built only when a NULL can appear.
	var validity []byte
	nulls := 0
	needBM := srcBM != nil
	if !needBM {
		for _, i := range idx {
			if i < 0 {
				needBM = true
				break
			}
		}
	}
	if needBM {
		validity = make([]byte, bitutil.BytesForBits(int64(n)))
		for k, i := range idx {
			if i >= 0 && (srcBM == nil || bitutil.BitIsSet(srcBM, srcOff+int(i))) {
				bitutil.SetBit(validity, k)
			} else {
				nulls++
			}
		}
	}
	var vbuf *memory.Buffer
	if needBM {
		vbuf = memory.NewBufferBytes(validity)
	}
	switch dt.ID() {
	case arrow.INT64, arrow.UINT64, arrow.FLOAT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		return joinTakeFixed[uint64](src, idx, vbuf, nulls), nil
	case arrow.INT32, arrow.UINT32, arrow.FLOAT32, arrow.DATE32, arrow.TIME32:
		return joinTakeFixed[uint32](src, idx, vbuf, nulls), nil
	case arrow.INT16, arrow.UINT16:
		return joinTakeFixed[uint16](src, idx, vbuf, nulls), nil
	case arrow.INT8, arrow.UINT8:
		return joinTakeFixed[uint8](src, idx, vbuf, nulls), nil
	case arrow.DECIMAL128, arrow.INTERVAL_MONTH_DAY_NANO:
		return joinTakeFixed[[2]uint64](src, idx, vbuf, nulls), nil
	case arrow.DECIMAL256:
		return joinTakeFixed[[4]uint64](src, idx, vbuf, nulls), nil
	case arrow.BOOL:
		b := src.(*array.Boolean)
		vals := make([]byte, bitutil.BytesForBits(int64(n)))
		for k, i := range idx {
			if i >= 0 && b.Value(int(i)) {
				bitutil.SetBit(vals, k)
			}
		}
		data := array.NewData(dt, n, []*memory.Buffer{vbuf, memory.NewBufferBytes(vals)}, nil, nulls, 0)
		defer data.Release()
		return array.MakeFromData(data), nil
	case arrow.STRING, arrow.BINARY:
		offs, chars := hashOffsets(src), hashStringData(src)
		total := 0
		for _, i := range idx {
			if i >= 0 {
				total += int(offs[i+1] - offs[i])
			}
		}
		if total > 1<<31-1 {
			return nil, fmt.Errorf("gathering %s: %d bytes exceed the 2 GiB string array limit", dt, total)
		}
		outOffs := make([]int32, n+1)
		outChars := make([]byte, total)
		pos := int32(0)
		for k, i := range idx {
			if i >= 0 {
				pos += int32(copy(outChars[pos:], chars[offs[i]:offs[i+1]]))
			}
			outOffs[k+1] = pos
		}
		data := array.NewData(dt, n, []*memory.Buffer{vbuf, memory.NewBufferBytes(joinBytesOf(outOffs)), memory.NewBufferBytes(outChars)}, nil, nulls, 0)
		defer data.Release()
		return array.MakeFromData(data), nil
	}
	return joinTakeFallback(src, idx)
}

// joinTakeFixed gathers a fixed-width array whose values are T-sized.
func joinTakeFixed[T any](src arrow.Array, idx []int32, vbuf *memory.Buffer, nulls int) arrow.Array {
	vals := hashFixed[T](src)
	out := make([]T, len(idx))
	for k, i := range idx {
		if i >= 0 {
			out[k] = vals[i]
		}
	}
	data := array.NewData(src.DataType(), len(idx), []*memory.Buffer{vbuf, memory.NewBufferBytes(joinBytesOf(out))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// joinBytesOf views a slice's backing array as bytes (the buffer keeps it alive).
func joinBytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return []byte{}
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// joinTakeFallback uses Arrow's Take kernel with NULL indices for -1.
func joinTakeFallback(src arrow.Array, idx []int32) (arrow.Array, error) {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(idx))
	for _, i := range idx {
		if i < 0 {
			b.AppendNull()
		} else {
			b.UnsafeAppend(i)
		}
	}
	ia := b.NewArray()
	defer ia.Release()
	out, err := compute.TakeArray(context.Background(), src, ia)
	if err != nil {
		return nil, fmt.Errorf("gathering %s: %w", src.DataType(), err)
	}
	return out, nil
}

// joinTakeAll gathers every column of cols with idx.
func joinTakeAll(cols []arrow.Array, idx []int32, dst []arrow.Array) ([]arrow.Array, error) {
	for _, c := range cols {
		t, err := joinTake(c, idx)
		if err != nil {
			return nil, err
		}
		dst = append(dst, t)
	}
	return dst, nil
}

// joinNullColumns appends all-NULL columns of the given fields' types.
func joinNullColumns(fields []arrow.Field, n int, dst []arrow.Array) []arrow.Array {
	for _, f := range fields {
		dst = append(dst, array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, n))
	}
	return dst
}

// joinArrayBytes estimates the memory an array holds (its buffers).
func joinArrayBytes(a arrow.Array) int64 {
	return joinDataBytes(a.Data())
}

func joinDataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += joinDataBytes(c)
	}
	return n
}

// joinBatchBytes estimates the memory a record batch holds.
func joinBatchBytes(b arrow.RecordBatch) int64 {
	var n int64
	for _, c := range b.Columns() {
		n += joinArrayBytes(c)
	}
	return n
}

// joinAlloc is the task's allocator, defaulting when unset.
func joinAlloc(ctx *TaskContext) memory.Allocator {
	if ctx.Alloc == nil {
		return memory.DefaultAllocator
	}
	return ctx.Alloc
}
