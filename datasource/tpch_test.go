package datasource

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// These tests and benchmarks use the generated TPC-H data when present.
const (
	sf001Dir = "/work/data/sf001"
	sf1Dir   = "/work/data/sf1"
	// sf1DuckDBDir holds the same data written by DuckDB: OPTIONAL columns,
	// PLAIN_DICTIONARY, PLAIN keys and prices, one page per column chunk.
	sf1DuckDBDir = "/work/data/sf1-duckdb"
)

// TestMatchesPqarrowOnTPCH reads every TPC-H table at SF 0.01 and compares
// each column with what pqarrow reads (cast to Aloft's types).
func TestMatchesPqarrowOnTPCH(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(sf001Dir, "*.parquet"))
	if len(paths) == 0 {
		t.Skip("no TPC-H data in " + sf001Dir)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tbl, err := OpenParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			n := len(tbl.Schema().Fields())
			got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: allColumns(n), BatchSize: 5000})
			want := readWithPqarrow(t, path)
			if got.NumRows() != want.NumRows() || tbl.Statistics().RowCount != want.NumRows() {
				t.Fatalf("read %d rows (stats %d), pqarrow %d", got.NumRows(), tbl.Statistics().RowCount, want.NumRows())
			}
			for c := 0; c < n; c++ {
				w := want.Column(c)
				if !arrow.TypeEqual(w.DataType(), got.Column(c).DataType()) {
					cast, err := compute.CastToType(context.Background(), w, got.Column(c).DataType())
					if err != nil {
						t.Fatalf("column %s: cast %s to %s: %v", tbl.Schema().Field(c).Name, w.DataType(), got.Column(c).DataType(), err)
					}
					w = cast
				}
				if !array.Equal(got.Column(c), w) {
					t.Errorf("column %s differs from pqarrow", tbl.Schema().Field(c).Name)
				}
			}
		})
	}
}

func readWithPqarrow(t *testing.T, path string) arrow.RecordBatch {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 20}, mem)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		a, err := array.Concatenate(tbl.Column(i).Data().Chunks(), mem)
		if err != nil {
			t.Fatal(err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(tbl.Schema(), cols, tbl.NumRows())
}

// benchScan reads the named columns of a table in every split, one split
// after another on one goroutine, and reports rows/s.
func benchScan(b *testing.B, path string, names []string, filter func(cols []int) catalog.Filter, preds []catalog.Predicate) {
	if _, err := os.Stat(path); err != nil {
		b.Skip("no TPC-H data: " + path)
	}
	tbl, err := OpenParquet(path)
	if err != nil {
		b.Fatal(err)
	}
	cols := make([]int, len(names))
	for i, name := range names {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			b.Fatalf("no column %s", name)
		}
		cols[i] = idx[0]
	}
	opts := catalog.ScanOptions{Columns: cols}
	if filter != nil {
		opts.Filter = filter(cols)
	}
	ctx := context.Background()
	// Process CPU time (all threads, GC included) is reported besides wall
	// time: on a loaded shared machine it varies much less.
	cpu0 := processCPU()
	b.ResetTimer()
	defer func() { b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		splits, err := tbl.Splits(ctx, preds)
		if err != nil {
			b.Fatal(err)
		}
		rows := int64(0)
		for _, s := range splits {
			r, err := tbl.Open(ctx, s, opts)
			if err != nil {
				b.Fatal(err)
			}
			for {
				rec, err := r.Next()
				if err != nil {
					b.Fatal(err)
				}
				if rec == nil {
					break
				}
				rows += rec.NumRows()
			}
			r.Close()
		}
		b.ReportMetric(float64(rows), "rows")
	}
}

// processCPU is the user+system CPU time of the process so far, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

var q1Columns = []string{"l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_shipdate"}

// BenchmarkScanLineitemQ1Columns scans the 7 columns Q1 reads from SF1 lineitem.
func BenchmarkScanLineitemQ1Columns(b *testing.B) {
	benchScan(b, filepath.Join(sf1Dir, "lineitem.parquet"), q1Columns, nil, nil)
}

// BenchmarkScanLineitemQ1ColumnsDuckDB is BenchmarkScanLineitemQ1Columns on
// DuckDB's file.
func BenchmarkScanLineitemQ1ColumnsDuckDB(b *testing.B) {
	benchScan(b, filepath.Join(sf1DuckDBDir, "lineitem.parquet"), q1Columns, nil, nil)
}

// dateRangeFilter keeps rows whose Date32 column at position pos lies in [lo, hi).
type dateRangeFilter struct {
	pos    int
	lo, hi arrow.Date32
}

func (f dateRangeFilter) FilterColumns() []int { return []int{f.pos} }

func (f dateRangeFilter) Mask(batch arrow.RecordBatch) (arrow.Array, error) {
	col := batch.Column(f.pos).(*array.Date32)
	vals := col.Date32Values()
	bld := array.NewBooleanBuilder(mem)
	bld.Resize(len(vals))
	for _, v := range vals {
		bld.UnsafeAppend(v >= f.lo && v < f.hi)
	}
	return bld.NewArray(), nil
}

// BenchmarkScanLineitemQ6Filtered reads Q6's columns with its shipdate range
// as a late-materialized filter (about 15% of rows pass).
func BenchmarkScanLineitemQ6Filtered(b *testing.B) {
	lo := arrow.Date32FromTime(mustDate("1994-01-01"))
	hi := arrow.Date32FromTime(mustDate("1995-01-01"))
	benchScan(b, filepath.Join(sf1Dir, "lineitem.parquet"),
		[]string{"l_shipdate", "l_extendedprice", "l_discount", "l_quantity"},
		func([]int) catalog.Filter { return dateRangeFilter{pos: 0, lo: lo, hi: hi} },
		[]catalog.Predicate{{Column: 10, Op: catalog.PredGtEq, Value: lo}, {Column: 10, Op: catalog.PredLt, Value: hi}})
}

// BenchmarkScanLineitemComment reads the widest string column.
func BenchmarkScanLineitemComment(b *testing.B) {
	benchScan(b, filepath.Join(sf1Dir, "lineitem.parquet"), []string{"l_comment"}, nil, nil)
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// BenchmarkScanLineitemAllColumns reads every column of SF1 lineitem: all
// the decode paths (int64 keys, decimals, dates, low- and high-cardinality
// dictionary strings) at once.
func BenchmarkScanLineitemAllColumns(b *testing.B) {
	benchScan(b, filepath.Join(sf1Dir, "lineitem.parquet"), lineitemColumns, nil, nil)
}

// BenchmarkScanLineitemAllColumnsDuckDB is BenchmarkScanLineitemAllColumns
// on DuckDB's file.
func BenchmarkScanLineitemAllColumnsDuckDB(b *testing.B) {
	benchScan(b, filepath.Join(sf1DuckDBDir, "lineitem.parquet"), lineitemColumns, nil, nil)
}

var lineitemColumns = []string{"l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity",
	"l_extendedprice", "l_discount", "l_tax", "l_returnflag", "l_linestatus", "l_shipdate",
	"l_commitdate", "l_receiptdate", "l_shipinstruct", "l_shipmode", "l_comment"}

// BenchmarkScanOrdersQ3 reads the orders columns Q3 reads.
func BenchmarkScanOrdersQ3(b *testing.B) {
	benchScan(b, filepath.Join(sf1Dir, "orders.parquet"),
		[]string{"o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"}, nil, nil)
}
