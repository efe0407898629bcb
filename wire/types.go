package wire

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/aloftdb/aloft/logical"
)

// Data type tags. A type is its tag, then its parameters.
const (
	typeNil       = 0 // no type (only where one is optional)
	typeNull      = 1
	typeBool      = 2
	typeInt8      = 3
	typeInt16     = 4
	typeInt32     = 5
	typeInt64     = 6
	typeUint8     = 7
	typeUint16    = 8
	typeUint32    = 9
	typeUint64    = 10
	typeFloat32   = 11
	typeFloat64   = 12
	typeDecimal   = 13 // precision uvarint, scale uvarint
	typeString    = 14
	typeLargeStr  = 15
	typeBinary    = 16
	typeDate32    = 17
	typeTimestamp = 18 // unit byte, time zone string
	typeInterval  = 19 // month_day_nano
)

var fixedTypes = map[byte]arrow.DataType{
	typeNull:     arrow.Null,
	typeBool:     arrow.FixedWidthTypes.Boolean,
	typeInt8:     arrow.PrimitiveTypes.Int8,
	typeInt16:    arrow.PrimitiveTypes.Int16,
	typeInt32:    arrow.PrimitiveTypes.Int32,
	typeInt64:    arrow.PrimitiveTypes.Int64,
	typeUint8:    arrow.PrimitiveTypes.Uint8,
	typeUint16:   arrow.PrimitiveTypes.Uint16,
	typeUint32:   arrow.PrimitiveTypes.Uint32,
	typeUint64:   arrow.PrimitiveTypes.Uint64,
	typeFloat32:  arrow.PrimitiveTypes.Float32,
	typeFloat64:  arrow.PrimitiveTypes.Float64,
	typeString:   arrow.BinaryTypes.String,
	typeLargeStr: arrow.BinaryTypes.LargeString,
	typeBinary:   arrow.BinaryTypes.Binary,
	typeDate32:   arrow.FixedWidthTypes.Date32,
	typeInterval: arrow.FixedWidthTypes.MonthDayNanoInterval,
}

var fixedTags = map[arrow.Type]byte{
	arrow.NULL:                    typeNull,
	arrow.BOOL:                    typeBool,
	arrow.INT8:                    typeInt8,
	arrow.INT16:                   typeInt16,
	arrow.INT32:                   typeInt32,
	arrow.INT64:                   typeInt64,
	arrow.UINT8:                   typeUint8,
	arrow.UINT16:                  typeUint16,
	arrow.UINT32:                  typeUint32,
	arrow.UINT64:                  typeUint64,
	arrow.FLOAT32:                 typeFloat32,
	arrow.FLOAT64:                 typeFloat64,
	arrow.STRING:                  typeString,
	arrow.LARGE_STRING:            typeLargeStr,
	arrow.BINARY:                  typeBinary,
	arrow.DATE32:                  typeDate32,
	arrow.INTERVAL_MONTH_DAY_NANO: typeInterval,
}

// DataType appends a data type (nil allowed: it decodes as nil).
func (e *Encoder) DataType(t arrow.DataType) {
	if t == nil {
		e.Byte(typeNil)
		return
	}
	switch x := t.(type) {
	case *arrow.Decimal128Type:
		e.Byte(typeDecimal)
		e.Uvarint(uint64(x.Precision))
		e.Uvarint(uint64(x.Scale))
		if x.Precision < 1 || x.Precision > 38 || x.Scale < 0 || x.Scale > x.Precision {
			e.Fail("invalid type %s", t)
		}
		return
	case *arrow.TimestampType:
		e.Byte(typeTimestamp)
		e.Byte(byte(x.Unit))
		e.String(x.TimeZone)
		return
	}
	tag, ok := fixedTags[t.ID()]
	if !ok {
		e.Fail("unsupported data type %s", t)
		return
	}
	e.Byte(tag)
}

// DataType reads a data type; nil only when allowNil.
func (d *Decoder) DataType(allowNil bool) arrow.DataType {
	tag := d.Byte()
	if d.err != nil {
		return nil
	}
	switch tag {
	case typeNil:
		if !allowNil {
			d.Fail("missing data type")
		}
		return nil
	case typeDecimal:
		p, s := d.Uvarint(), d.Uvarint()
		if d.err == nil && (p < 1 || p > logical.MaxDecimalPrecision || s > p) {
			d.Fail("invalid type DECIMAL(%d,%d): precision must be 1..38 and scale 0..precision", p, s)
		}
		if d.err != nil {
			return nil
		}
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}
	case typeTimestamp:
		unit := d.Byte()
		tz := d.String()
		if d.err == nil && unit > byte(arrow.Nanosecond) {
			d.Fail("invalid timestamp unit %d", unit)
		}
		if d.err != nil {
			return nil
		}
		return &arrow.TimestampType{Unit: arrow.TimeUnit(unit), TimeZone: tz}
	}
	t, ok := fixedTypes[tag]
	if !ok {
		d.Fail("unknown data type tag %d", tag)
		return nil
	}
	return t
}

// Schema appends a schema: its fields (name, type, nullable). Metadata is
// not kept.
func (e *Encoder) Schema(s *arrow.Schema) {
	if s == nil {
		e.Fail("nil schema")
		return
	}
	e.Count(s.NumFields())
	for _, f := range s.Fields() {
		e.String(f.Name)
		e.DataType(f.Type)
		e.Bool(f.Nullable)
	}
}

// Schema reads a schema.
func (d *Decoder) Schema() *arrow.Schema {
	n := d.Count("schema field", 3)
	fields := make([]arrow.Field, n)
	for i := range fields {
		fields[i] = arrow.Field{Name: d.String(), Type: d.DataType(false), Nullable: d.Bool()}
	}
	if d.err != nil {
		return nil
	}
	return arrow.NewSchema(fields, nil)
}

// Column appends a logical column.
func (e *Encoder) Column(c logical.Column) {
	e.Varint(int64(c.ID))
	e.String(c.Name)
	e.String(c.Table)
	e.DataType(c.Type)
	e.Bool(c.Nullable)
}

// Column reads a logical column.
func (d *Decoder) Column() logical.Column {
	var c logical.Column
	c.ID = logical.ColumnID(d.Int("column id", 0, 1<<31-1))
	c.Name = d.String()
	c.Table = d.String()
	c.Type = d.DataType(false)
	c.Nullable = d.Bool()
	return c
}

// Literal value tags.
const (
	valNull      = 0
	valFalse     = 1
	valTrue      = 2
	valInt       = 3 // varint
	valFloat     = 4 // 8 bytes
	valDecimal   = 5 // hi varint, lo 8 bytes
	valString    = 6
	valDate      = 7 // varint days
	valTimestamp = 8 // varint microseconds
	valInterval  = 9 // months, days, nanoseconds varints
	valBytes     = 10
)

// Value appends a literal value (the Go types of logical.Literal values).
func (e *Encoder) Value(v any) {
	switch x := v.(type) {
	case nil:
		e.Byte(valNull)
	case bool:
		if x {
			e.Byte(valTrue)
		} else {
			e.Byte(valFalse)
		}
	case int64:
		e.Byte(valInt)
		e.Varint(x)
	case float64:
		e.Byte(valFloat)
		e.Float64(x)
	case decimal128.Num:
		e.Byte(valDecimal)
		e.Varint(x.HighBits())
		e.Uint64(x.LowBits())
	case string:
		e.Byte(valString)
		e.String(x)
	case []byte:
		e.Byte(valBytes)
		e.Bytes(x)
	case arrow.Date32:
		e.Byte(valDate)
		e.Varint(int64(x))
	case arrow.Timestamp:
		e.Byte(valTimestamp)
		e.Varint(int64(x))
	case arrow.MonthDayNanoInterval:
		e.Byte(valInterval)
		e.Varint(int64(x.Months))
		e.Varint(int64(x.Days))
		e.Varint(x.Nanoseconds)
	default:
		e.Fail("unsupported literal value %v (%T)", v, v)
	}
}

// Value reads a literal value of type t and checks that its Go type is the
// one Aloft uses for t.
func (d *Decoder) Value(t arrow.DataType) any {
	var v any
	switch tag := d.Byte(); tag {
	case valNull:
		return nil
	case valFalse:
		v = false
	case valTrue:
		v = true
	case valInt:
		v = d.Varint()
	case valFloat:
		v = d.Float64()
	case valDecimal:
		hi := d.Varint()
		v = decimal128.New(hi, d.Uint64())
	case valString:
		v = d.String()
	case valBytes:
		v = d.Bytes()
	case valDate:
		v = arrow.Date32(d.Int("date", -1<<31, 1<<31-1))
	case valTimestamp:
		v = arrow.Timestamp(d.Varint())
	case valInterval:
		m := int32(d.Int("interval months", -1<<31, 1<<31-1))
		days := int32(d.Int("interval days", -1<<31, 1<<31-1))
		v = arrow.MonthDayNanoInterval{Months: m, Days: days, Nanoseconds: d.Varint()}
	default:
		d.Fail("unknown literal value tag %d", tag)
	}
	if d.err != nil {
		return nil
	}
	if !valueFits(v, t) {
		d.Fail("literal %v (%T) does not fit type %v", v, v, t)
		return nil
	}
	return v
}

// valueFits reports whether a non-nil value has the Go type Aloft uses for
// literals of type t (nil t: the type of a NULL literal, which has no value).
func valueFits(v any, t arrow.DataType) bool {
	if t == nil {
		return false
	}
	switch t.ID() {
	case arrow.BOOL:
		_, ok := v.(bool)
		return ok
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		_, ok := v.(int64)
		return ok
	case arrow.FLOAT32, arrow.FLOAT64:
		_, ok := v.(float64)
		return ok
	case arrow.DECIMAL128:
		_, ok := v.(decimal128.Num)
		return ok
	case arrow.STRING, arrow.LARGE_STRING:
		_, ok := v.(string)
		return ok
	case arrow.BINARY:
		switch v.(type) {
		case string, []byte:
			return true
		}
	case arrow.DATE32:
		_, ok := v.(arrow.Date32)
		return ok
	case arrow.TIMESTAMP:
		_, ok := v.(arrow.Timestamp)
		return ok
	case arrow.INTERVAL_MONTH_DAY_NANO:
		_, ok := v.(arrow.MonthDayNanoInterval)
		return ok
	}
	return false
}
