package expr

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// ScalarValue reads row i of a as a logical literal value (see
// logical/types.go): nil for NULL, bool, int64 for every integer width,
// float64, decimal128.Num, string, arrow.Date32, arrow.Timestamp
// (microseconds) or arrow.MonthDayNanoInterval. Dictionary arrays are read
// through their dictionary.
func ScalarValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Boolean:
		return x.Value(i)
	case *array.Int8:
		return int64(x.Value(i))
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	case *array.Uint8:
		return int64(x.Value(i))
	case *array.Uint16:
		return int64(x.Value(i))
	case *array.Uint32:
		return int64(x.Value(i))
	case *array.Uint64:
		return int64(x.Value(i))
	case *array.Float32:
		return float64(x.Value(i))
	case *array.Float64:
		return x.Value(i)
	case *array.Decimal128:
		return x.Value(i)
	case *array.String:
		return x.Value(i)
	case *array.LargeString:
		return x.Value(i)
	case *array.Binary:
		return string(x.Value(i))
	case *array.Date32:
		return x.Value(i)
	case *array.Date64:
		return arrow.Date32FromTime(x.Value(i).ToTime())
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		return arrow.Timestamp(toMicros(int64(x.Value(i)), unit))
	case *array.MonthDayNanoInterval:
		return x.Value(i)
	case *array.Dictionary:
		return ScalarValue(x.Dictionary(), x.GetValueIndex(i))
	case *array.Null:
		return nil
	}
	return a.GetOneForMarshal(i)
}

// toMicros converts a timestamp in unit u to microseconds.
func toMicros(v int64, u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Second:
		return v * 1_000_000
	case arrow.Millisecond:
		return v * 1000
	case arrow.Nanosecond:
		return floorDiv(v, 1000)
	}
	return v
}

// MakeArray builds an array of n copies of the literal value v (logical
// literal Go types) with type t; v == nil gives n NULLs. Integer values
// are range-checked against narrower integer types, and an int64 given for
// a DECIMAL is taken as a whole number.
func MakeArray(v any, t arrow.DataType, n int) (arrow.Array, error) {
	if v == nil {
		return nullArray(t, n), nil
	}
	bad := func() (arrow.Array, error) {
		return nil, fmt.Errorf("cannot make a %s array from %v (%T)", t, v, v)
	}
	switch t.ID() {
	case arrow.NULL:
		return array.NewNull(n), nil
	case arrow.BOOL:
		b, ok := v.(bool)
		if !ok {
			i, ok := v.(int64)
			if !ok {
				return bad()
			}
			b = i != 0
		}
		vals := make([]byte, bitmapLen(n))
		if b {
			for i := range vals {
				vals[i] = 0xff
			}
		}
		return newBool(n, vals, nil), nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		i, ok := v.(int64)
		if !ok {
			return bad()
		}
		return fillInt(t, i, n)
	case arrow.FLOAT32, arrow.FLOAT64:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		default:
			return bad()
		}
		if t.ID() == arrow.FLOAT32 {
			return newFixed(t, fill(n, float32(f)), nil), nil
		}
		return newFixed(t, fill(n, f), nil), nil
	case arrow.DECIMAL128:
		var d decimal128.Num
		switch x := v.(type) {
		case decimal128.Num:
			d = x
		case int64:
			var ok bool
			if d, ok = scaleUp(num64(x), t.(*arrow.Decimal128Type).Scale); !ok {
				return nil, fmt.Errorf("decimal overflow in %d as %s", x, t)
			}
		default:
			return bad()
		}
		return newFixed(t, fill(n, d), nil), nil
	case arrow.STRING:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		b := newStringBuilder(n, n*len(s))
		for i := 0; i < n; i++ {
			b.appendString(s)
		}
		return b.finish(nil)
	case arrow.DATE32:
		d, ok := v.(arrow.Date32)
		if !ok {
			return bad()
		}
		return newFixed(t, fill(n, d), nil), nil
	case arrow.TIMESTAMP:
		ts, ok := v.(arrow.Timestamp)
		if !ok {
			return bad()
		}
		return newFixed(t, fill(n, ts), nil), nil
	case arrow.INTERVAL_MONTH_DAY_NANO:
		iv, ok := v.(arrow.MonthDayNanoInterval)
		if !ok {
			return bad()
		}
		return newFixed(t, fill(n, iv), nil), nil
	}
	return nil, fmt.Errorf("cannot make an array of type %s", t)
}

func fill[T any](n int, v T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// intRange returns the bounds of an integer type.
func intRange(t arrow.DataType) (lo, hi int64) {
	switch t.ID() {
	case arrow.INT8:
		return math.MinInt8, math.MaxInt8
	case arrow.INT16:
		return math.MinInt16, math.MaxInt16
	case arrow.INT32:
		return math.MinInt32, math.MaxInt32
	case arrow.UINT8:
		return 0, math.MaxUint8
	case arrow.UINT16:
		return 0, math.MaxUint16
	case arrow.UINT32:
		return 0, math.MaxUint32
	case arrow.UINT64:
		return 0, math.MaxInt64
	}
	return math.MinInt64, math.MaxInt64
}

func fillInt(t arrow.DataType, v int64, n int) (arrow.Array, error) {
	lo, hi := intRange(t)
	if v < lo || v > hi {
		return nil, fmt.Errorf("value %d out of range for %s", v, t)
	}
	switch t.ID() {
	case arrow.INT8:
		return newFixed(t, fill(n, int8(v)), nil), nil
	case arrow.INT16:
		return newFixed(t, fill(n, int16(v)), nil), nil
	case arrow.INT32:
		return newFixed(t, fill(n, int32(v)), nil), nil
	case arrow.UINT8:
		return newFixed(t, fill(n, uint8(v)), nil), nil
	case arrow.UINT16:
		return newFixed(t, fill(n, uint16(v)), nil), nil
	case arrow.UINT32:
		return newFixed(t, fill(n, uint32(v)), nil), nil
	case arrow.UINT64:
		return newFixed(t, fill(n, uint64(v)), nil), nil
	}
	return newFixed(t, fill(n, v), nil), nil
}
