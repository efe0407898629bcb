package datasource

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// decodeKind says how a Parquet leaf column (physical type + annotation) is
// decoded into the Arrow type Aloft computes with. It is decided once per
// column at open so the readers dispatch once per column, not per value.
type decodeKind int

const (
	kindBool            decodeKind = iota
	kindInt32                      // INT32 as Int32 (also DATE as Date32: same bits)
	kindUint32                     // INT32 annotated unsigned, widened to Int64
	kindInt64                      // INT64 as Int64 (also TIMESTAMP(us) as Timestamp(us))
	kindFloat32                    // FLOAT
	kindFloat64                    // DOUBLE
	kindDecimalInt32               // DECIMAL stored as INT32
	kindDecimalInt64               // DECIMAL stored as INT64
	kindDecimalFLBA                // DECIMAL stored as FIXED_LEN_BYTE_ARRAY (big-endian two's complement)
	kindDecimalBytes               // DECIMAL stored as BYTE_ARRAY (big-endian two's complement)
	kindString                     // BYTE_ARRAY as String
	kindFLBAString                 // FIXED_LEN_BYTE_ARRAY without decimal annotation, as String
	kindTimestampMillis            // INT64 TIMESTAMP(ms), scaled to microseconds
	kindTimestampNanos             // INT64 TIMESTAMP(ns), truncated to microseconds
	kindInt96                      // legacy INT96 timestamps (Spark, Impala), to microseconds
)

// parquetColumn maps one table column to a Parquet leaf column.
type parquetColumn struct {
	name     string
	leaf     int // leaf column index in the file
	kind     decodeKind
	typ      arrow.DataType
	nullable bool
	maxDef   int16 // the leaf's maximum definition level (0 or 1)
	scale    int32 // decimal scale, for statistics
}

// mapLeaf decides the Arrow type and decoding of a Parquet leaf column, or
// returns an error for types Aloft cannot represent.
func mapLeaf(c *schema.Column) (decodeKind, arrow.DataType, error) {
	lt := c.LogicalType()
	if dec, ok := lt.(schema.DecimalLogicalType); ok {
		p, s := dec.Precision(), dec.Scale()
		if p > 38 {
			return 0, nil, fmt.Errorf("DECIMAL(%d,%d) is wider than 38 digits", p, s)
		}
		typ := &arrow.Decimal128Type{Precision: p, Scale: s}
		switch c.PhysicalType() {
		case parquet.Types.Int32:
			return kindDecimalInt32, typ, nil
		case parquet.Types.Int64:
			return kindDecimalInt64, typ, nil
		case parquet.Types.FixedLenByteArray:
			if c.TypeLength() > 16 {
				return 0, nil, fmt.Errorf("DECIMAL stored in %d bytes is wider than 16", c.TypeLength())
			}
			return kindDecimalFLBA, typ, nil
		case parquet.Types.ByteArray:
			return kindDecimalBytes, typ, nil
		}
		return 0, nil, fmt.Errorf("DECIMAL on physical type %s", c.PhysicalType())
	}
	switch c.PhysicalType() {
	case parquet.Types.Boolean:
		return kindBool, arrow.FixedWidthTypes.Boolean, nil
	case parquet.Types.Int32:
		switch l := lt.(type) {
		case schema.DateLogicalType:
			return kindInt32, arrow.FixedWidthTypes.Date32, nil
		case schema.IntLogicalType:
			if !l.IsSigned() {
				return kindUint32, arrow.PrimitiveTypes.Int64, nil
			}
		}
		return kindInt32, arrow.PrimitiveTypes.Int32, nil
	case parquet.Types.Int64:
		if ts, ok := lt.(schema.TimestampLogicalType); ok {
			switch ts.TimeUnit() {
			case schema.TimeUnitMillis:
				return kindTimestampMillis, arrow.FixedWidthTypes.Timestamp_us, nil
			case schema.TimeUnitNanos:
				return kindTimestampNanos, arrow.FixedWidthTypes.Timestamp_us, nil
			}
			return kindInt64, arrow.FixedWidthTypes.Timestamp_us, nil
		}
		// Unsigned 64-bit values are read as their two's-complement bits:
		// Aloft has no unsigned BIGINT; values above 2^63 wrap.
		return kindInt64, arrow.PrimitiveTypes.Int64, nil
	case parquet.Types.Int96:
		return kindInt96, arrow.FixedWidthTypes.Timestamp_us, nil
	case parquet.Types.Float:
		return kindFloat32, arrow.PrimitiveTypes.Float32, nil
	case parquet.Types.Double:
		return kindFloat64, arrow.PrimitiveTypes.Float64, nil
	case parquet.Types.ByteArray:
		// Strings with or without a UTF8/STRING annotation (older writers
		// omit it) and ENUM/JSON all come out as VARCHAR.
		return kindString, arrow.BinaryTypes.String, nil
	case parquet.Types.FixedLenByteArray:
		return kindFLBAString, arrow.BinaryTypes.String, nil
	}
	return 0, nil, fmt.Errorf("unsupported physical type %s", c.PhysicalType())
}

// parquetColumns lists the table columns of a Parquet schema: every
// top-level, non-repeated primitive field. Nested and repeated fields are left
// out (Aloft has no nested types), and so are fields of types Aloft cannot
// represent (DECIMAL wider than 38 digits), so the rest of the file stays
// queryable.
func parquetColumns(sc *schema.Schema) ([]parquetColumn, error) {
	var cols []parquetColumn
	for i := 0; i < sc.NumColumns(); i++ {
		c := sc.Column(i)
		if c.MaxRepetitionLevel() > 0 || len(c.ColumnPath()) != 1 {
			continue
		}
		kind, typ, err := mapLeaf(c)
		if err != nil {
			continue
		}
		pc := parquetColumn{
			name:     c.Name(),
			leaf:     i,
			kind:     kind,
			typ:      typ,
			nullable: c.MaxDefinitionLevel() > 0,
			maxDef:   c.MaxDefinitionLevel(),
		}
		if d, ok := typ.(*arrow.Decimal128Type); ok {
			pc.scale = d.Scale
		}
		cols = append(cols, pc)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no readable columns (nested or unsupported types only)")
	}
	return cols, nil
}
