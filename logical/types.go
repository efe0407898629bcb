// Package logical holds Aloft's logical plan: immutable plan nodes (Node) and
// bound expressions (Expr). Columns are identified by a ColumnID that is unique
// within one query, so rules can move expressions between nodes without
// renaming anything; the physical planner maps IDs to batch positions.
package logical

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Data types are Arrow types. The SQL types map as follows:
//
//	BOOLEAN         arrow.FixedWidthTypes.Boolean
//	TINYINT..BIGINT arrow.PrimitiveTypes.Int8 .. Int64
//	FLOAT, DOUBLE   arrow.PrimitiveTypes.Float32, Float64
//	DECIMAL(p,s)    *arrow.Decimal128Type{Precision: p, Scale: s}
//	VARCHAR         arrow.BinaryTypes.String
//	DATE            arrow.FixedWidthTypes.Date32
//	TIMESTAMP       arrow.FixedWidthTypes.Timestamp_us (no time zone)
//	INTERVAL        arrow.FixedWidthTypes.MonthDayNanoInterval (literals only)
//	NULL literal    arrow.Null
//
// Literal values (Literal.Value, statistics min/max) use these Go types:
// nil for NULL, bool, int64 for every integer width, float64 for FLOAT and
// DOUBLE, decimal128.Num (scaled by the type's scale) for DECIMAL, string,
// arrow.Date32, arrow.Timestamp (microseconds), arrow.MonthDayNanoInterval.

// Common types, named for readability at call sites.
var (
	Bool      arrow.DataType = arrow.FixedWidthTypes.Boolean
	Int8      arrow.DataType = arrow.PrimitiveTypes.Int8
	Int16     arrow.DataType = arrow.PrimitiveTypes.Int16
	Int32     arrow.DataType = arrow.PrimitiveTypes.Int32
	Int64     arrow.DataType = arrow.PrimitiveTypes.Int64
	Float32   arrow.DataType = arrow.PrimitiveTypes.Float32
	Float64   arrow.DataType = arrow.PrimitiveTypes.Float64
	String    arrow.DataType = arrow.BinaryTypes.String
	Date      arrow.DataType = arrow.FixedWidthTypes.Date32
	Timestamp arrow.DataType = arrow.FixedWidthTypes.Timestamp_us
	Interval  arrow.DataType = arrow.FixedWidthTypes.MonthDayNanoInterval
	Null      arrow.DataType = arrow.Null
)

// MaxDecimalPrecision is the widest DECIMAL Aloft computes (Decimal128).
const MaxDecimalPrecision = 38

// Decimal returns the DECIMAL(p,s) type, capping the precision at 38.
func Decimal(precision, scale int32) arrow.DataType {
	if precision > MaxDecimalPrecision {
		precision = MaxDecimalPrecision
	}
	if scale > precision {
		scale = precision
	}
	return &arrow.Decimal128Type{Precision: precision, Scale: scale}
}

// IsInteger reports whether t is a signed or unsigned integer type.
func IsInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// IsFloat reports whether t is FLOAT or DOUBLE.
func IsFloat(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64 || t.ID() == arrow.FLOAT16
}

// IsDecimal reports whether t is a DECIMAL.
func IsDecimal(t arrow.DataType) bool {
	return t.ID() == arrow.DECIMAL128 || t.ID() == arrow.DECIMAL256
}

// IsNumeric reports whether t is an integer, float or decimal type.
func IsNumeric(t arrow.DataType) bool { return IsInteger(t) || IsFloat(t) || IsDecimal(t) }

// IsString reports whether t is a character type.
func IsString(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
}

// IsTemporal reports whether t is DATE or TIMESTAMP.
func IsTemporal(t arrow.DataType) bool { return t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP }

// IsNull reports whether t is the type of the NULL literal.
func IsNull(t arrow.DataType) bool { return t.ID() == arrow.NULL }

// TypeName prints a type the way SQL users know it (DECIMAL(15,2), VARCHAR, DATE).
func TypeName(t arrow.DataType) string {
	switch t.ID() {
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.INT8:
		return "TINYINT"
	case arrow.INT16:
		return "SMALLINT"
	case arrow.INT32:
		return "INT"
	case arrow.INT64:
		return "BIGINT"
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return "BIGINT UNSIGNED"
	case arrow.FLOAT32:
		return "FLOAT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.DECIMAL128, arrow.DECIMAL256:
		d := t.(arrow.DecimalType)
		return fmt.Sprintf("DECIMAL(%d,%d)", d.GetPrecision(), d.GetScale())
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return "VARCHAR"
	case arrow.BINARY, arrow.LARGE_BINARY:
		return "VARBINARY"
	case arrow.DATE32, arrow.DATE64:
		return "DATE"
	case arrow.TIMESTAMP:
		return "TIMESTAMP"
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return "INTERVAL"
	case arrow.NULL:
		return "NULL"
	}
	return t.String()
}
