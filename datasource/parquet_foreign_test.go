package datasource

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// duckColumn is one column of a file written the way DuckDB writes Parquet.
type duckColumn struct {
	name      string
	phys      parquet.Type
	conv      schema.ConvertedType
	precision int
	scale     int
	dict      bool
	typ       arrow.DataType // what the table must read it as
	null      func(i int) bool
	value     func(i int) any // int64, int32 or string
}

var duckDec = &arrow.Decimal128Type{Precision: 15, Scale: 2}

func never(int) bool { return false }

// duckColumns mirror lineitem as DuckDB writes it: every column OPTIONAL
// (most without NULLs), keys and prices PLAIN, the rest dictionary-encoded,
// decimals in INT64, converted types instead of logical types. Some columns
// have NULLs: one late in a decode chunk (the levels before it were not
// written out), sparse ones, and every other row.
func duckColumns() []duckColumn {
	flags := []string{"A", "N", "R"}
	return []duckColumn{
		{name: "key", phys: parquet.Types.Int64, conv: schema.ConvertedTypes.Int64, typ: arrow.PrimitiveTypes.Int64,
			null: never, value: func(i int) any { return int64(i) }},
		{name: "price", phys: parquet.Types.Int64, conv: schema.ConvertedTypes.Decimal, precision: 15, scale: 2, typ: duckDec,
			null: never, value: func(i int) any { return int64(i*7919%1_000_003 - 500) }},
		{name: "qty", phys: parquet.Types.Int64, conv: schema.ConvertedTypes.Decimal, precision: 15, scale: 2, dict: true, typ: duckDec,
			null: never, value: func(i int) any { return int64(i%50+1) * 100 }},
		{name: "shipdate", phys: parquet.Types.Int32, conv: schema.ConvertedTypes.Date, dict: true, typ: arrow.FixedWidthTypes.Date32,
			null: never, value: func(i int) any { return int32(8000 + i*31%2500) }},
		{name: "flag", phys: parquet.Types.ByteArray, conv: schema.ConvertedTypes.UTF8, dict: true, typ: arrow.BinaryTypes.String,
			null: never, value: func(i int) any { return flags[i*7%3] }},
		{name: "comment", phys: parquet.Types.ByteArray, conv: schema.ConvertedTypes.UTF8, typ: arrow.BinaryTypes.String,
			null: never, value: func(i int) any { return fmt.Sprintf("comment %d", i*13) }},
		{name: "lineno", phys: parquet.Types.Int32, conv: schema.ConvertedTypes.Int32, dict: true, typ: arrow.PrimitiveTypes.Int32,
			null: never, value: func(i int) any { return int32(i%7 + 1) }},
		{name: "late", phys: parquet.Types.Int64, conv: schema.ConvertedTypes.Int64, typ: arrow.PrimitiveTypes.Int64,
			null: func(i int) bool { return i == 68_000 || i == 75_005 }, value: func(i int) any { return int64(-i) }},
		{name: "sparse", phys: parquet.Types.Int32, conv: schema.ConvertedTypes.Int32, dict: true, typ: arrow.PrimitiveTypes.Int32,
			null: func(i int) bool { return i%1000 == 999 }, value: func(i int) any { return int32(i % 100) }},
		{name: "half", phys: parquet.Types.ByteArray, conv: schema.ConvertedTypes.UTF8, dict: true, typ: arrow.BinaryTypes.String,
			null: func(i int) bool { return i%2 == 0 }, value: func(i int) any { return flags[i%3] }},
		{name: "halfprice", phys: parquet.Types.Int64, conv: schema.ConvertedTypes.Decimal, precision: 15, scale: 2, typ: duckDec,
			null: func(i int) bool { return i%2 == 1 }, value: func(i int) any { return int64(i) }},
	}
}

// writeDuckDBStyle writes rows [0, n) of cols with the low-level writer the
// way DuckDB does: OPTIONAL columns, v1 data pages with RLE definition
// levels, PLAIN_DICTIONARY (format 1.0) dictionary encoding, converted
// types, no Arrow schema in the metadata, Snappy.
func writeDuckDBStyle(t *testing.T, path string, cols []duckColumn, rowGroups []int, pageSize int64) {
	t.Helper()
	fields := make(schema.FieldList, len(cols))
	props := []parquet.WriterProperty{
		parquet.WithVersion(parquet.V1_0),
		parquet.WithDataPageVersion(parquet.DataPageV1),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDataPageSize(pageSize),
		parquet.WithDictionaryDefault(true),
		parquet.WithStats(true),
	}
	for i, c := range cols {
		node, err := schema.NewPrimitiveNodeConverted(c.name, parquet.Repetitions.Optional, c.phys, c.conv, 0, c.precision, c.scale, -1)
		if err != nil {
			t.Fatal(err)
		}
		fields[i] = node
		if !c.dict {
			props = append(props, parquet.WithDictionaryFor(c.name, false))
		}
	}
	root, err := schema.NewGroupNode("duckdb_schema", parquet.Repetitions.Required, fields, -1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := file.NewParquetWriter(f, root, file.WithWriterProps(parquet.NewWriterProperties(props...)))
	start := 0
	for _, rows := range rowGroups {
		rgw := w.AppendRowGroup()
		for _, c := range cols {
			cw, err := rgw.NextColumn()
			if err != nil {
				t.Fatal(err)
			}
			defs := make([]int16, rows)
			var i64 []int64
			var i32 []int32
			var strs []parquet.ByteArray
			for r := range rows {
				i := start + r
				if c.null(i) {
					continue
				}
				defs[r] = 1
				switch v := c.value(i).(type) {
				case int64:
					i64 = append(i64, v)
				case int32:
					i32 = append(i32, v)
				case string:
					strs = append(strs, parquet.ByteArray(v))
				}
			}
			switch cw := cw.(type) {
			case *file.Int64ColumnChunkWriter:
				_, err = cw.WriteBatch(i64, defs, nil)
			case *file.Int32ColumnChunkWriter:
				_, err = cw.WriteBatch(i32, defs, nil)
			case *file.ByteArrayColumnChunkWriter:
				_, err = cw.WriteBatch(strs, defs, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := cw.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if err := rgw.Close(); err != nil {
			t.Fatal(err)
		}
		start += rows
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// duckWant builds what the table must read for rows of cols.
func duckWant(cols []duckColumn, rows []int) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	for ci, c := range cols {
		fb := b.Field(ci)
		for _, i := range rows {
			if c.null(i) {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int64Builder:
				fb.Append(c.value(i).(int64))
			case *array.Int32Builder:
				fb.Append(c.value(i).(int32))
			case *array.Date32Builder:
				fb.Append(arrow.Date32(c.value(i).(int32)))
			case *array.Decimal128Builder:
				fb.Append(decimal128.FromI64(c.value(i).(int64)))
			case *array.StringBuilder:
				fb.Append(c.value(i).(string))
			}
		}
	}
	return b.NewRecordBatch()
}

// TestParquetDuckDBStyleFile reads a file laid out the way DuckDB writes
// one: the schema must map to the same Arrow types as the files our writer
// makes, every column must take the fast path, statistics must prune, and
// the results must equal both the expected values and the general decoders'.
func TestParquetDuckDBStyleFile(t *testing.T) {
	cols := duckColumns()
	rowGroups := []int{70_000, 10_000} // the first spans two decode chunks
	n := 0
	for _, r := range rowGroups {
		n += r
	}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	want := duckWant(cols, rows)
	for _, layout := range []struct {
		name     string
		pageSize int64
	}{
		{"one page per chunk", 1 << 30}, // as DuckDB writes
		{"small pages", 16 << 10},
	} {
		t.Run(layout.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "duck.parquet")
			writeDuckDBStyle(t, path, cols, rowGroups, layout.pageSize)
			tbl, err := OpenParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			if !tbl.Schema().Equal(want.Schema()) {
				t.Fatalf("schema\n%s\nwant\n%s", tbl.Schema(), want.Schema())
			}
			pf := tbl.(*parquetTable).files[0]
			if pf.meta.KeyValueMetadata().FindValue("ARROW:schema") != nil {
				t.Fatal("the file has an Arrow schema")
			}
			for ci, c := range cols {
				chunk, err := pf.meta.RowGroup(0).ColumnChunk(ci)
				if err != nil {
					t.Fatal(err)
				}
				if encs := chunk.Encodings(); c.dict != slices.Contains(encs, parquet.Encodings.PlainDict) {
					t.Errorf("column %s: encodings %v, want PLAIN_DICTIONARY: %v", c.name, encs, c.dict)
				}
			}

			all := allColumns(len(cols))
			filters := []catalog.Filter{
				nil,
				funcFilter{cols: []int{0}, keep: func(v int64) bool { return v%5 == 0 }},
				// Skips whole decode chunks, and rows within one.
				funcFilter{cols: []int{0}, keep: func(v int64) bool { return v >= 65_530 && v < 65_550 || v == 7 }},
				// A filter column with NULLs.
				funcFilter{cols: []int{7}, keep: func(v int64) bool { return -v%3 == 0 }},
			}
			for fi, filter := range filters {
				batches := []int{0}
				if filter == nil {
					batches = append(batches, 10_000)
				}
				for _, batch := range batches {
					opts := catalog.ScanOptions{Columns: all, Filter: filter, BatchSize: batch}
					fast0, general0 := fastChunks.Load(), generalChunks.Load()
					got := scanAll(t, tbl, nil, opts)
					if fastChunks.Load() == fast0 || generalChunks.Load() != general0 {
						t.Errorf("filter %d: %d column chunks read with the fast path, %d with the general decoders; want all fast",
							fi, fastChunks.Load()-fast0, generalChunks.Load()-general0)
					}
					usePageDecoders = false
					slow := scanAll(t, tbl, nil, opts)
					usePageDecoders = true
					assertColumnsEqual(t, got, slow, all)
					if filter == nil {
						assertColumnsEqual(t, got, want, all)
					} else {
						f := filter.(funcFilter)
						c := cols[f.cols[0]]
						var kept []int
						for _, i := range rows {
							if !c.null(i) && f.keep(c.value(i).(int64)) {
								kept = append(kept, i)
							}
						}
						assertColumnsEqual(t, got, duckWant(cols, kept), all)
					}
				}
			}

			// Statistics: a key range prunes the second row group.
			splits, err := tbl.Splits(t.Context(), []catalog.Predicate{{Column: 0, Op: catalog.PredLt, Value: int64(50)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(splits) != 1 {
				t.Errorf("key < 50 leaves %d row groups, want 1", len(splits))
			}
			st := tbl.Statistics()
			if c := st.Columns[7]; c.NullCount != 2 || c.Min != int64(-(n-1)) || c.Max != int64(0) {
				t.Errorf("statistics of late: nulls %d, min %v, max %v", c.NullCount, c.Min, c.Max)
			}
		})
	}
}
