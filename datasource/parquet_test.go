package datasource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var mem = memory.DefaultAllocator

// Column indexes of the sample table.
const (
	colID = iota
	colVal
	colPrice
	colBig
	colSmall
	colDate
	colName
	colComment
	colFlag
	colF64
	colTS
	numSampleCols
)

var shipModes = []string{"AIR", "MAIL", "SHIP", "RAIL", "TRUCK"}

// sampleData builds n rows of every supported kind as (what is written,
// what the table must read back). The written record uses types the reader
// must convert: large_string and millisecond timestamps.
func sampleData(n int) (written, want arrow.RecordBatch) {
	decType := func(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }
	common := []arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "val", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "price", Type: decType(15, 2), Nullable: true}, // INT64 physical
		{Name: "big", Type: decType(20, 4), Nullable: true},   // FIXED_LEN_BYTE_ARRAY
		{Name: "small", Type: decType(7, 2), Nullable: true},  // INT32 physical
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},    // dictionary-encoded
		{Name: "comment", Type: arrow.BinaryTypes.String, Nullable: true}, // plain
		{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	}
	wantSchema := arrow.NewSchema(common, nil)
	writtenFields := append([]arrow.Field(nil), common...)
	writtenFields[colName].Type = arrow.BinaryTypes.LargeString
	writtenFields[colTS].Type = arrow.FixedWidthTypes.Timestamp_ms
	writtenSchema := arrow.NewSchema(writtenFields, nil)

	wb := array.NewRecordBuilder(mem, writtenSchema)
	eb := array.NewRecordBuilder(mem, wantSchema)
	defer wb.Release()
	defer eb.Release()
	for i := 0; i < n; i++ {
		for _, b := range []*array.RecordBuilder{wb, eb} {
			b.Field(colID).(*array.Int64Builder).Append(int64(i))
			if i%7 == 0 {
				b.Field(colVal).AppendNull()
			} else {
				b.Field(colVal).(*array.Int32Builder).Append(int32(i*3 - 500))
			}
			if i%11 == 0 {
				b.Field(colPrice).AppendNull()
			} else {
				b.Field(colPrice).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i)*123 - 4567))
			}
			b.Field(colBig).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i)*1_000_000_000_000 - 500_000_000_000_000))
			b.Field(colSmall).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i - 300)))
			b.Field(colDate).(*array.Date32Builder).Append(arrow.Date32(9000 + i%400))
			name := shipModes[i%5]
			if i%13 == 0 {
				b.Field(colName).AppendNull()
			} else if sb, ok := b.Field(colName).(*array.StringBuilder); ok {
				sb.Append(name)
			} else {
				b.Field(colName).(*array.LargeStringBuilder).Append(name)
			}
			comment := ""
			if i%50 != 0 { // an empty string, not NULL
				comment = fmt.Sprintf("comment %d %s", i, strings.Repeat("x", i%17))
			}
			b.Field(colComment).(*array.StringBuilder).Append(comment)
			if i%19 == 0 {
				b.Field(colFlag).AppendNull()
			} else {
				b.Field(colFlag).(*array.BooleanBuilder).Append(i%3 == 0)
			}
			b.Field(colF64).(*array.Float64Builder).Append(float64(i) / 3)
		}
		ms := int64(1_600_000_000_000 + i*1001)
		wb.Field(colTS).(*array.TimestampBuilder).Append(arrow.Timestamp(ms))
		eb.Field(colTS).(*array.TimestampBuilder).Append(arrow.Timestamp(ms * 1000))
	}
	return wb.NewRecordBatch(), eb.NewRecordBatch()
}

// writeParquet writes rec to path in row groups of rowGroupRows rows, with
// small pages so that columns span several pages.
func writeParquet(t testing.TB, path string, rec arrow.RecordBatch, rowGroupRows int64, extra ...parquet.WriterProperty) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	props := append([]parquet.WriterProperty{
		parquet.WithMaxRowGroupLength(rowGroupRows),
		parquet.WithStoreDecimalAsInteger(true),
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryFor("comment", false),
		parquet.WithDataPageSize(512),
		parquet.WithCompression(0),
	}, extra...)
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func sampleTable(t *testing.T, n int, rowGroupRows int64) (catalog.Table, arrow.RecordBatch) {
	t.Helper()
	written, want := sampleData(n)
	path := filepath.Join(t.TempDir(), "sample.parquet")
	writeParquet(t, path, written, rowGroupRows)
	tbl, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	return tbl, want
}

func allColumns(n int) []int {
	cols := make([]int, n)
	for i := range cols {
		cols[i] = i
	}
	return cols
}

// scanAll reads every split with opts and returns the batches concatenated
// (nil when no rows), checking that no batch exceeds the batch size.
func scanAll(t *testing.T, tbl catalog.Table, preds []catalog.Predicate, opts catalog.ScanOptions) arrow.RecordBatch {
	t.Helper()
	ctx := context.Background()
	splits, err := tbl.Splits(ctx, preds)
	if err != nil {
		t.Fatal(err)
	}
	var batches []arrow.RecordBatch
	for _, s := range splits {
		r, err := tbl.Open(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		for {
			b, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				break
			}
			if opts.BatchSize > 0 && b.NumRows() > int64(opts.BatchSize) {
				t.Fatalf("batch of %d rows, asked for at most %d", b.NumRows(), opts.BatchSize)
			}
			if b.NumCols() != int64(len(opts.Columns)) {
				t.Fatalf("batch has %d columns, want %d", b.NumCols(), len(opts.Columns))
			}
			batches = append(batches, b)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(batches) == 0 {
		return nil
	}
	return concatBatches(t, batches)
}

func concatBatches(t *testing.T, batches []arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	cols := make([]arrow.Array, batches[0].NumCols())
	rows := int64(0)
	for _, b := range batches {
		rows += b.NumRows()
	}
	for c := range cols {
		parts := make([]arrow.Array, len(batches))
		for i, b := range batches {
			parts[i] = b.Column(c)
		}
		a, err := array.Concatenate(parts, mem)
		if err != nil {
			t.Fatal(err)
		}
		cols[c] = a
	}
	return array.NewRecordBatch(batches[0].Schema(), cols, rows)
}

// assertColumnsEqual checks that got's columns equal want's columns picked by cols.
func assertColumnsEqual(t *testing.T, got, want arrow.RecordBatch, cols []int) {
	t.Helper()
	if got == nil {
		t.Fatalf("no rows read, want %d", want.NumRows())
	}
	if got.NumRows() != want.NumRows() {
		t.Fatalf("read %d rows, want %d", got.NumRows(), want.NumRows())
	}
	for i, c := range cols {
		g, w := got.Column(i), want.Column(c)
		if !arrow.TypeEqual(g.DataType(), w.DataType()) {
			t.Errorf("column %s: type %s, want %s", want.ColumnName(c), g.DataType(), w.DataType())
			continue
		}
		if !array.Equal(g, w) {
			for r := 0; r < g.Len(); r++ {
				if g.ValueStr(r) != w.ValueStr(r) || g.IsNull(r) != w.IsNull(r) {
					t.Errorf("column %s row %d: got %s, want %s", want.ColumnName(c), r, g.ValueStr(r), w.ValueStr(r))
					break
				}
			}
			t.Errorf("column %s differs", want.ColumnName(c))
		}
	}
}

func TestParquetSchemaNormalizesTypes(t *testing.T) {
	tbl, want := sampleTable(t, 100, 30)
	if !tbl.Schema().Equal(want.Schema()) {
		t.Fatalf("schema\n%s\nwant\n%s", tbl.Schema(), want.Schema())
	}
}

func TestParquetRoundTripAllColumns(t *testing.T) {
	tbl, want := sampleTable(t, 1000, 300)
	splits, err := tbl.Splits(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(splits) != 4 {
		t.Fatalf("%d splits, want one per row group (4)", len(splits))
	}
	if splits[3].EstimatedRows() != 100 {
		t.Errorf("last split has %d rows, want 100", splits[3].EstimatedRows())
	}
	for _, batch := range []int{0, 7, 128, 100_000} {
		got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: allColumns(numSampleCols), BatchSize: batch})
		assertColumnsEqual(t, got, want, allColumns(numSampleCols))
	}
}

func TestParquetProjectionInRequestedOrder(t *testing.T) {
	tbl, want := sampleTable(t, 500, 200)
	cols := []int{colComment, colID, colPrice, colID}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: cols})
	assertColumnsEqual(t, got, want, cols)
	if got.ColumnName(0) != "comment" || got.ColumnName(1) != "id" {
		t.Errorf("batch schema %s", got.Schema())
	}
}

func TestParquetStatistics(t *testing.T) {
	tbl, _ := sampleTable(t, 1000, 300)
	st := tbl.Statistics()
	if st.RowCount != 1000 {
		t.Errorf("RowCount %d, want 1000", st.RowCount)
	}
	check := func(col int, min, max any, nulls int64) {
		t.Helper()
		cs := st.Columns[col]
		if cs.Min != min || cs.Max != max {
			t.Errorf("column %d: min/max %v (%T) / %v, want %v (%T) / %v", col, cs.Min, cs.Min, cs.Max, min, min, max)
		}
		if cs.NullCount != nulls {
			t.Errorf("column %d: null count %d, want %d", col, cs.NullCount, nulls)
		}
		if cs.DistinctCount != -1 {
			t.Errorf("column %d: distinct count %d, want unknown", col, cs.DistinctCount)
		}
	}
	check(colID, int64(0), int64(999), 0)
	check(colVal, int64(1*3-500), int64(999*3-500), 143) // i%7 == 0 is NULL
	check(colPrice, decimal128.FromI64(1*123-4567), decimal128.FromI64(999*123-4567), 91)
	check(colBig, decimal128.FromI64(-500_000_000_000_000), decimal128.FromI64(999_000_000_000_000-500_000_000_000_000), 0)
	check(colSmall, decimal128.FromI64(-300), decimal128.FromI64(699), 0)
	check(colDate, arrow.Date32(9000), arrow.Date32(9399), 0)
	check(colName, "AIR", "TRUCK", 77)
	check(colF64, 0.0, 333.0, 0)
	check(colTS, arrow.Timestamp(1_600_000_000_000_000), arrow.Timestamp((1_600_000_000_000+999*1001)*1000), 0)
	check(colFlag, false, true, 53)
}

func TestParquetPruningByRowGroupStatistics(t *testing.T) {
	// 4 row groups: ids 0-299, 300-599, 600-899, 900-999.
	tbl, _ := sampleTable(t, 1000, 300)
	dec := func(v int64) decimal128.Num { return decimal128.FromI64(v) }
	cases := []struct {
		name  string
		preds []catalog.Predicate
		want  int
	}{
		{"no predicates", nil, 4},
		{"id = 450", []catalog.Predicate{{Column: colID, Op: catalog.PredEq, Value: int64(450)}}, 1},
		{"id >= 900", []catalog.Predicate{{Column: colID, Op: catalog.PredGtEq, Value: int64(900)}}, 1},
		{"id > 899", []catalog.Predicate{{Column: colID, Op: catalog.PredGt, Value: int64(899)}}, 1},
		{"id < 300", []catalog.Predicate{{Column: colID, Op: catalog.PredLt, Value: int64(300)}}, 1},
		{"id <= 300", []catalog.Predicate{{Column: colID, Op: catalog.PredLtEq, Value: int64(300)}}, 2},
		{"id < 0", []catalog.Predicate{{Column: colID, Op: catalog.PredLt, Value: int64(0)}}, 0},
		{"id in (5, 950, 5000)", []catalog.Predicate{{Column: colID, Op: catalog.PredIn, Values: []any{int64(5), int64(950), int64(5000)}}}, 2},
		{"conjunction", []catalog.Predicate{
			{Column: colID, Op: catalog.PredGtEq, Value: int64(250)},
			{Column: colID, Op: catalog.PredLt, Value: int64(350)}}, 2},
		{"id compared with a double", []catalog.Predicate{{Column: colID, Op: catalog.PredGt, Value: 949.5}}, 1},
		// price unscaled = i*123-4567: row group 3 starts at 900*123-4567 = 106133.
		{"decimal >= 1061.33", []catalog.Predicate{{Column: colPrice, Op: catalog.PredGtEq, Value: dec(106133)}}, 1},
		{"decimal compared with an integer", []catalog.Predicate{{Column: colPrice, Op: catalog.PredGt, Value: int64(1061)}}, 1},
		{"FLBA decimal < min", []catalog.Predicate{{Column: colBig, Op: catalog.PredLt, Value: dec(-500_000_000_000_001)}}, 0},
		{"string = 'ZEPPELIN'", []catalog.Predicate{{Column: colName, Op: catalog.PredEq, Value: "ZEPPELIN"}}, 0},
		{"string = 'MAIL'", []catalog.Predicate{{Column: colName, Op: catalog.PredEq, Value: "MAIL"}}, 4},
		{"string >= 'U'", []catalog.Predicate{{Column: colName, Op: catalog.PredGtEq, Value: "U"}}, 0},
		{"date > max", []catalog.Predicate{{Column: colDate, Op: catalog.PredGt, Value: arrow.Date32(9399)}}, 0},
		{"date = min", []catalog.Predicate{{Column: colDate, Op: catalog.PredEq, Value: arrow.Date32(9000)}}, 3},
		{"timestamp < first", []catalog.Predicate{{Column: colTS, Op: catalog.PredLt, Value: arrow.Timestamp(1_600_000_000_000_000)}}, 0},
		{"id is null", []catalog.Predicate{{Column: colID, Op: catalog.PredIsNull}}, 0},
		{"val is null", []catalog.Predicate{{Column: colVal, Op: catalog.PredIsNull}}, 4},
		{"val is not null", []catalog.Predicate{{Column: colVal, Op: catalog.PredIsNotNull}}, 4},
		{"mismatched value type keeps everything", []catalog.Predicate{{Column: colID, Op: catalog.PredEq, Value: "x"}}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			splits, err := tbl.Splits(context.Background(), c.preds)
			if err != nil {
				t.Fatal(err)
			}
			if len(splits) != c.want {
				t.Errorf("%d splits, want %d", len(splits), c.want)
			}
		})
	}
	if _, err := tbl.Splits(context.Background(), []catalog.Predicate{{Column: 99, Op: catalog.PredIsNull}}); err == nil {
		t.Error("predicate on a missing column: want an error")
	}
}

func TestParquetPruningAllNullRowGroup(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewInt64Builder(mem)
	for i := 0; i < 20; i++ {
		if i < 10 {
			b.AppendNull() // row group 0: only NULLs
		} else {
			b.Append(int64(i))
		}
	}
	rec := array.NewRecordBatch(schema, []arrow.Array{b.NewArray()}, 20)
	path := filepath.Join(t.TempDir(), "nulls.parquet")
	writeParquet(t, path, rec, 10)
	tbl, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pred catalog.Predicate
		want int
	}{
		{catalog.Predicate{Column: 0, Op: catalog.PredIsNull}, 1},
		{catalog.Predicate{Column: 0, Op: catalog.PredIsNotNull}, 1},
		{catalog.Predicate{Column: 0, Op: catalog.PredGt, Value: int64(0)}, 1},
	} {
		splits, _ := tbl.Splits(context.Background(), []catalog.Predicate{c.pred})
		if len(splits) != c.want {
			t.Errorf("%+v: %d splits, want %d", c.pred, len(splits), c.want)
		}
	}
	cs := tbl.Statistics().Columns[0]
	if cs.Min != int64(10) || cs.Max != int64(19) || cs.NullCount != 10 {
		t.Errorf("stats %+v, want min 10 max 19 nulls 10", cs)
	}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: []int{0}})
	if !array.Equal(got.Column(0), rec.Column(0)) {
		t.Errorf("read %s, want %s", got.Column(0), rec.Column(0))
	}
}

// funcFilter is a catalog.Filter over a function of one int64 column.
type funcFilter struct {
	cols   []int
	keep   func(v int64) bool
	probed *[]arrow.RecordBatch // batches the filter saw
}

func (f funcFilter) FilterColumns() []int { return f.cols }

func (f funcFilter) Mask(batch arrow.RecordBatch) (arrow.Array, error) {
	if f.probed != nil {
		*f.probed = append(*f.probed, batch)
	}
	col, ok := batch.Column(f.cols[0]).(*array.Int64)
	if !ok {
		return nil, fmt.Errorf("filter column is %s", batch.Column(f.cols[0]).DataType())
	}
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for i := 0; i < col.Len(); i++ {
		if col.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(f.keep(col.Value(i)))
		}
	}
	return b.NewArray(), nil
}

// takeRows returns the rows of rec where keep(id) holds.
func takeRows(t *testing.T, rec arrow.RecordBatch, keep func(int64) bool) arrow.RecordBatch {
	t.Helper()
	ids := rec.Column(colID).(*array.Int64)
	var batches []arrow.RecordBatch
	for i := 0; i < ids.Len(); i++ {
		if keep(ids.Value(i)) {
			batches = append(batches, rec.NewSlice(int64(i), int64(i+1)))
		}
	}
	if len(batches) == 0 {
		return nil
	}
	return concatBatches(t, batches)
}

func TestParquetFilterLateMaterialization(t *testing.T) {
	tbl, want := sampleTable(t, 1000, 300)
	// id is at position 1 of the projection; the filter reads only it.
	cols := []int{colComment, colID, colPrice, colName, colFlag, colBig}
	for _, c := range []struct {
		name string
		keep func(int64) bool
	}{
		{"selective", func(v int64) bool { return v > 950 }},
		{"every third", func(v int64) bool { return v%3 == 0 }},
		{"everything", func(v int64) bool { return true }},
		{"nothing", func(v int64) bool { return false }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var probed []arrow.RecordBatch
			f := funcFilter{cols: []int{1}, keep: c.keep, probed: &probed}
			got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: cols, Filter: f, BatchSize: 64})
			expected := takeRows(t, want, c.keep)
			if expected == nil {
				if got != nil {
					t.Fatalf("read %d rows, want none", got.NumRows())
				}
				return
			}
			assertColumnsEqual(t, got, expected, cols)
			// The filter saw stand-ins for the columns it does not read.
			for _, b := range probed {
				if b.Column(0).NullN() != b.Column(0).Len() || !arrow.TypeEqual(b.Column(0).DataType(), arrow.BinaryTypes.String) {
					t.Fatal("non-filter column was decoded before filtering")
				}
			}
		})
	}
}

func TestParquetFilterSkipsChunksWithinRowGroup(t *testing.T) {
	// One row group larger than a decode chunk, so whole chunks are skipped
	// before the matching one.
	const n = 3*minChunkRows + 100
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	ib := array.NewInt64Builder(mem)
	sb := array.NewStringBuilder(mem)
	for i := 0; i < n; i++ {
		ib.Append(int64(i))
		if i%5 == 0 {
			sb.AppendNull()
		} else {
			sb.Append(shipModes[i%len(shipModes)])
		}
	}
	rec := array.NewRecordBatch(schema, []arrow.Array{ib.NewArray(), sb.NewArray()}, n)
	path := filepath.Join(t.TempDir(), "big.parquet")
	writeParquet(t, path, rec, n, parquet.WithDataPageSize(64<<10))
	tbl, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	keep := func(v int64) bool { return v >= n-150 || v == 2*minChunkRows+5 }
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: []int{1, 0}, Filter: funcFilter{cols: []int{1}, keep: keep}})
	if got == nil || got.NumRows() != 151 {
		t.Fatalf("read %v rows, want 151", got)
	}
	ids := got.Column(1).(*array.Int64)
	strs := got.Column(0).(*array.String)
	for i := 0; i < ids.Len(); i++ {
		id := ids.Value(i)
		if !keep(id) {
			t.Fatalf("row %d: id %d should have been filtered out", i, id)
		}
		if (id%5 == 0) != strs.IsNull(i) || (!strs.IsNull(i) && strs.Value(i) != shipModes[id%5]) {
			t.Fatalf("row %d: id %d has s = %q (null %v)", i, id, strs.Value(i), strs.IsNull(i))
		}
	}
}

func TestParquetFilterErrors(t *testing.T) {
	tbl, _ := sampleTable(t, 100, 100)
	splits, _ := tbl.Splits(context.Background(), nil)
	_, err := tbl.Open(context.Background(), splits[0], catalog.ScanOptions{Columns: []int{colID}, Filter: funcFilter{cols: []int{3}}})
	if err == nil {
		t.Error("filter column outside the projection: want an error")
	}
	r, err := tbl.Open(context.Background(), splits[0], catalog.ScanOptions{Columns: []int{colName}, Filter: funcFilter{cols: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "filter") {
		t.Errorf("failing filter: got %v, want its error", err)
	}
}

func TestParquetDirectoryTable(t *testing.T) {
	dir := t.TempDir()
	written, want := sampleData(600)
	writeParquet(t, filepath.Join(dir, "part-0.parquet"), written.NewSlice(0, 250), 100)
	writeParquet(t, filepath.Join(dir, "part-1.parquet"), written.NewSlice(250, 600), 200)
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not data"), 0o644); err != nil {
		t.Fatal(err)
	}
	tbl, err := Open(dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Statistics().RowCount != 600 {
		t.Errorf("RowCount %d, want 600", tbl.Statistics().RowCount)
	}
	splits, _ := tbl.Splits(context.Background(), nil)
	if len(splits) != 5 {
		t.Errorf("%d splits, want 3 + 2", len(splits))
	}
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: allColumns(numSampleCols)})
	assertColumnsEqual(t, got, want, allColumns(numSampleCols))

	// A file with another schema is refused.
	other := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil),
		[]arrow.Array{array.NewInt64Builder(mem).NewArray()}, 0)
	writeParquet(t, filepath.Join(dir, "part-2.parquet"), other, 10)
	if _, err := OpenParquet(dir); err == nil || !strings.Contains(err.Error(), "part-2.parquet") {
		t.Errorf("mixed schemas: got %v, want an error naming the odd file", err)
	}
}

func TestParquetErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	written, _ := sampleData(200)
	writeParquet(t, good, written, 100)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.parquet")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not parquet ", 50)), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.parquet")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.parquet")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := filepath.Join(dir, "nothing")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.parquet"), garbage, truncated, empty, emptyDir} {
		_, err := OpenParquet(p)
		if err == nil {
			t.Errorf("%s: opened, want an error", p)
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not name %s", err, p)
		}
	}
}

func TestParquetCorruptPagesAreErrors(t *testing.T) {
	// Keep the footer intact but overwrite the column data: the footer
	// parses, reading the pages must fail with an error, not a panic.
	dir := t.TempDir()
	path := filepath.Join(dir, "corrupt.parquet")
	written, _ := sampleData(300)
	writeParquet(t, path, written, 300)
	tbl, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for i := 4; i < len(data)/2; i++ {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	splits, _ := tbl.Splits(context.Background(), nil)
	r, err := tbl.Open(context.Background(), splits[0], catalog.ScanOptions{Columns: allColumns(numSampleCols)})
	if err == nil {
		defer r.Close()
		for {
			var b arrow.RecordBatch
			b, err = r.Next()
			if err != nil || b == nil {
				break
			}
		}
	}
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}

func TestParquetCancelledContext(t *testing.T) {
	tbl, _ := sampleTable(t, 100, 100)
	splits, _ := tbl.Splits(context.Background(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := tbl.Open(ctx, splits[0], catalog.ScanOptions{Columns: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestParquetSplitsReadConcurrently(t *testing.T) {
	// Readers of one table share its cached footer; run under -race.
	tbl, want := sampleTable(t, 1000, 100)
	splits, _ := tbl.Splits(context.Background(), nil)
	errs := make(chan error, len(splits))
	rows := make(chan int64, len(splits))
	for _, s := range splits {
		go func() {
			r, err := tbl.Open(context.Background(), s, catalog.ScanOptions{Columns: allColumns(numSampleCols),
				Filter: funcFilter{cols: []int{colID}, keep: func(v int64) bool { return v%2 == 0 }}})
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			n := int64(0)
			for {
				b, err := r.Next()
				if err != nil {
					errs <- err
					return
				}
				if b == nil {
					break
				}
				n += b.NumRows()
			}
			rows <- n
			errs <- nil
		}()
	}
	total := int64(0)
	for range splits {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		total += <-rows
	}
	if total != want.NumRows()/2 {
		t.Errorf("read %d rows, want %d", total, want.NumRows()/2)
	}
}

func TestParquetNoColumnsCountsRows(t *testing.T) {
	// COUNT(*) projects no columns: batches carry only a row count.
	tbl, _ := sampleTable(t, 1000, 300)
	got := scanAll(t, tbl, nil, catalog.ScanOptions{BatchSize: 256})
	if got == nil || got.NumRows() != 1000 || got.NumCols() != 0 {
		t.Fatalf("got %v, want 1000 rows and no columns", got)
	}
}
