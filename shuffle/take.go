package shuffle

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

// takeColumn gathers src[idx[k]] for every k (idx in range, no NULL
// indices) into a new array. The layouts a query moves (fixed width,
// boolean, strings) are gathered here; others go through Arrow's Take.
func takeColumn(src arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	d := src.Data()
	dt := src.DataType()
	var vbuf *memory.Buffer
	nulls := 0
	if src.NullN() > 0 {
		bm, off := src.NullBitmapBytes(), d.Offset()
		v := make([]byte, bitutil.BytesForBits(int64(n)))
		for k, i := range idx {
			if bitutil.BitIsSet(bm, off+int(i)) {
				bitutil.SetBit(v, k)
			} else {
				nulls++
			}
		}
		vbuf = memory.NewBufferBytes(v)
	}
	switch dt.ID() {
	case arrow.INT8, arrow.UINT8:
		return takeFixed[uint8](src, idx, vbuf, nulls), nil
	case arrow.INT16, arrow.UINT16, arrow.FLOAT16:
		return takeFixed[uint16](src, idx, vbuf, nulls), nil
	case arrow.INT32, arrow.UINT32, arrow.FLOAT32, arrow.DATE32, arrow.TIME32, arrow.INTERVAL_MONTHS:
		return takeFixed[uint32](src, idx, vbuf, nulls), nil
	case arrow.INT64, arrow.UINT64, arrow.FLOAT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION, arrow.INTERVAL_DAY_TIME:
		return takeFixed[uint64](src, idx, vbuf, nulls), nil
	case arrow.DECIMAL128, arrow.INTERVAL_MONTH_DAY_NANO:
		return takeFixed[[2]uint64](src, idx, vbuf, nulls), nil
	case arrow.DECIMAL256:
		return takeFixed[[4]uint64](src, idx, vbuf, nulls), nil
	case arrow.BOOL:
		b := src.(*array.Boolean)
		vals := make([]byte, bitutil.BytesForBits(int64(n)))
		for k, i := range idx {
			if b.Value(int(i)) {
				bitutil.SetBit(vals, k)
			}
		}
		return makeArray(dt, n, []*memory.Buffer{vbuf, memory.NewBufferBytes(vals)}, nulls), nil
	case arrow.STRING, arrow.BINARY:
		return takeVarBinary[int32](src, idx, vbuf, nulls)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return takeVarBinary[int64](src, idx, vbuf, nulls)
	}
	indices := array.NewInt32Data(array.NewData(arrow.PrimitiveTypes.Int32, n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(idx))}, nil, 0, 0))
	defer indices.Release()
	out, err := compute.TakeArray(context.Background(), src, indices)
	if err != nil {
		return nil, fmt.Errorf("gathering %s: %w", dt, err)
	}
	return out, nil
}

func makeArray(dt arrow.DataType, n int, bufs []*memory.Buffer, nulls int) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// valuesOf views the values buffer of a fixed-width array as a []T, offset applied.
func valuesOf[T any](a arrow.Array) []T {
	d := a.Data()
	buf := d.Buffers()[1]
	if buf == nil || buf.Len() == 0 || a.Len() == 0 {
		return nil
	}
	var zero T
	b := buf.Bytes()
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/int(unsafe.Sizeof(zero)))
	return all[d.Offset() : d.Offset()+a.Len()]
}

// bytesOf views a slice's backing array as bytes.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return []byte{}
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

func takeFixed[T any](src arrow.Array, idx []int32, vbuf *memory.Buffer, nulls int) arrow.Array {
	vals := valuesOf[T](src)
	out := make([]T, len(idx))
	if len(vals) > 0 {
		for k, i := range idx {
			out[k] = vals[i]
		}
	}
	return makeArray(src.DataType(), len(idx), []*memory.Buffer{vbuf, memory.NewBufferBytes(bytesOf(out))}, nulls)
}

func takeVarBinary[O int32 | int64](src arrow.Array, idx []int32, vbuf *memory.Buffer, nulls int) (arrow.Array, error) {
	d := src.Data()
	bufs := d.Buffers()
	var offs []O
	if bufs[1] != nil && bufs[1].Len() > 0 {
		all := unsafe.Slice((*O)(unsafe.Pointer(unsafe.SliceData(bufs[1].Bytes()))), bufs[1].Len()/int(unsafe.Sizeof(O(0))))
		offs = all[d.Offset() : d.Offset()+src.Len()+1]
	}
	var chars []byte
	if len(bufs) > 2 && bufs[2] != nil {
		chars = bufs[2].Bytes()
	}
	var total int64
	for _, i := range idx {
		total += int64(offs[i+1] - offs[i])
	}
	var zero O
	if unsafe.Sizeof(zero) == 4 && total > 1<<31-1 {
		return nil, fmt.Errorf("gathering %s: %d bytes exceed the 2 GiB limit", src.DataType(), total)
	}
	outOffs := make([]O, len(idx)+1)
	outChars := make([]byte, total)
	var pos O
	for k, i := range idx {
		pos += O(copy(outChars[pos:], chars[offs[i]:offs[i+1]]))
		outOffs[k+1] = pos
	}
	return makeArray(src.DataType(), len(idx), []*memory.Buffer{vbuf, memory.NewBufferBytes(bytesOf(outOffs)), memory.NewBufferBytes(outChars)}, nulls), nil
}
