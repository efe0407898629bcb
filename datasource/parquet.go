package datasource

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// ParquetSplit is one row group of one Parquet file.
type ParquetSplit struct {
	Path     string
	RowGroup int
	Rows     int64
}

func (s ParquetSplit) String() string {
	return fmt.Sprintf("%s rg %d", filepath.Base(s.Path), s.RowGroup)
}

// EstimatedRows is the exact row count of the row group.
func (s ParquetSplit) EstimatedRows() int64 { return s.Rows }

// parquetTable is a Parquet file or a directory of Parquet files with one schema.
type parquetTable struct {
	location string
	schema   *arrow.Schema
	files    []*parquetFile
	byPath   map[string]*parquetFile
	stats    *catalog.TableStats
}

// parquetFile is one file's parsed footer, kept so that opening a split does
// not read and parse the footer again.
type parquetFile struct {
	path string
	meta *metadata.FileMetaData
	cols []parquetColumn // parallels the table schema
	// rgStats[rg][col] are the row group statistics in logical value types.
	rgStats [][]columnRange
}

// columnRange is what a row group's footer says about one column.
type columnRange struct {
	min, max any   // nil when unknown
	nulls    int64 // -1 when unknown
}

// OpenParquet opens a Parquet file or a directory of *.parquet files (all with
// the same schema) as a table. Footers are read once here.
func OpenParquet(path string) (catalog.Table, error) {
	paths, err := listFiles(path, ".parquet")
	if err != nil {
		return nil, err
	}
	t := &parquetTable{location: path, byPath: map[string]*parquetFile{}}
	for _, p := range paths {
		pf, err := openParquetFile(p)
		if err != nil {
			return nil, err
		}
		if len(t.files) > 0 {
			if err := sameColumns(t.files[0], pf); err != nil {
				return nil, err
			}
		}
		t.files = append(t.files, pf)
		t.byPath[p] = pf
	}
	fields := make([]arrow.Field, len(t.files[0].cols))
	for i, c := range t.files[0].cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: c.nullable}
	}
	t.schema = arrow.NewSchema(fields, nil)
	t.stats = t.computeStats()
	return t, nil
}

// listFiles returns path itself when it is a file, or the files in the
// directory path whose names end with ext (sorted), failing when there are none.
func listFiles(path, ext string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ext) {
			out = append(out, filepath.Join(path, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("open %s: directory has no *%s files", path, ext)
	}
	return out, nil
}

func sameColumns(a, b *parquetFile) error {
	if len(a.cols) != len(b.cols) {
		return fmt.Errorf("%s has %d columns but %s has %d: files of one table must share a schema",
			b.path, len(b.cols), a.path, len(a.cols))
	}
	for i := range a.cols {
		ca, cb := a.cols[i], b.cols[i]
		if ca.name != cb.name || !arrow.TypeEqual(ca.typ, cb.typ) {
			return fmt.Errorf("%s column %d is %s %s but in %s it is %s %s: files of one table must share a schema",
				b.path, i+1, cb.name, cb.typ, a.path, ca.name, ca.typ)
		}
	}
	return nil
}

// recoverParquet turns a panic inside arrow-go's Parquet code (which can
// panic on corrupt input) into an error naming the file.
func recoverParquet(path string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("read %s: corrupt Parquet file: %v", path, r)
	}
}

func openParquetFile(path string) (pf *parquetFile, err error) {
	defer recoverParquet(path, &err)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("open %s: not a readable Parquet file: %w", path, err)
	}
	meta := rdr.MetaData()
	cols, err := parquetColumns(meta.Schema)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	pf = &parquetFile{path: path, meta: meta, cols: cols}
	pf.rgStats = make([][]columnRange, meta.NumRowGroups())
	for rg := range pf.rgStats {
		rgMeta := meta.RowGroup(rg)
		ranges := make([]columnRange, len(cols))
		for ci, c := range cols {
			ranges[ci] = columnRange{nulls: -1}
			chunk, err := rgMeta.ColumnChunk(c.leaf)
			if err != nil {
				return nil, fmt.Errorf("open %s: row group %d column %s: %w", path, rg, c.name, err)
			}
			st, err := chunk.Statistics()
			if err != nil || st == nil {
				continue // unusable statistics only cost pruning
			}
			if st.HasNullCount() {
				ranges[ci].nulls = st.NullCount()
			}
			if st.HasMinMax() {
				ranges[ci].min, ranges[ci].max = statValues(st, c)
			}
		}
		pf.rgStats[rg] = ranges
	}
	return pf, nil
}

// statValues converts a row group's typed min/max to logical value types
// (nil, nil when the statistics cannot be trusted for this type).
func statValues(st metadata.TypedStatistics, c parquetColumn) (minV, maxV any) {
	switch s := st.(type) {
	case *metadata.BooleanStatistics:
		return s.Min(), s.Max()
	case *metadata.Int32Statistics:
		switch c.kind {
		case kindInt32:
			if c.typ.ID() == arrow.DATE32 {
				return arrow.Date32(s.Min()), arrow.Date32(s.Max())
			}
			return int64(s.Min()), int64(s.Max())
		case kindUint32:
			return int64(uint32(s.Min())), int64(uint32(s.Max()))
		case kindDecimalInt32:
			return decimal128.FromI64(int64(s.Min())), decimal128.FromI64(int64(s.Max()))
		}
	case *metadata.Int64Statistics:
		switch c.kind {
		case kindInt64:
			if c.typ.ID() == arrow.TIMESTAMP {
				return arrow.Timestamp(s.Min()), arrow.Timestamp(s.Max())
			}
			return s.Min(), s.Max()
		case kindDecimalInt64:
			return decimal128.FromI64(s.Min()), decimal128.FromI64(s.Max())
		case kindTimestampMillis:
			return arrow.Timestamp(s.Min() * 1000), arrow.Timestamp(s.Max() * 1000)
		case kindTimestampNanos:
			return arrow.Timestamp(floorDiv(s.Min(), 1000)), arrow.Timestamp(floorDiv(s.Max(), 1000))
		}
	case *metadata.Float32Statistics:
		lo, hi := float64(s.Min()), float64(s.Max())
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return nil, nil
		}
		return lo, hi
	case *metadata.Float64Statistics:
		if math.IsNaN(s.Min()) || math.IsNaN(s.Max()) {
			return nil, nil
		}
		return s.Min(), s.Max()
	case *metadata.ByteArrayStatistics:
		switch c.kind {
		case kindString:
			return string(s.Min()), string(s.Max())
		case kindDecimalBytes:
			return decimalFromBigEndian(s.Min()), decimalFromBigEndian(s.Max())
		}
	case *metadata.FixedLenByteArrayStatistics:
		switch c.kind {
		case kindFLBAString:
			return string(s.Min()), string(s.Max())
		case kindDecimalFLBA:
			return decimalFromBigEndian(s.Min()), decimalFromBigEndian(s.Max())
		}
	}
	// INT96 statistics were written with an undefined sort order: unusable.
	return nil, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// decimalFromBigEndian decodes a big-endian two's complement integer of up
// to 16 bytes (Parquet's DECIMAL encoding for byte arrays).
func decimalFromBigEndian(b []byte) decimal128.Num {
	if len(b) == 0 {
		return decimal128.Num{}
	}
	var hi int64
	var lo uint64
	if b[0]&0x80 != 0 {
		hi, lo = -1, math.MaxUint64 // sign-extend
	}
	for _, x := range b {
		hi = hi<<8 | int64(lo>>56)
		lo = lo<<8 | uint64(x)
	}
	return decimal128.New(hi, lo)
}

func (t *parquetTable) Schema() *arrow.Schema           { return t.schema }
func (t *parquetTable) Statistics() *catalog.TableStats { return t.stats }
func (t *parquetTable) Location() string                { return t.location }

// computeStats merges the row-group statistics of every file.
func (t *parquetTable) computeStats() *catalog.TableStats {
	n := len(t.schema.Fields())
	st := &catalog.TableStats{Columns: make([]catalog.ColumnStats, n)}
	known := make([]bool, n) // min/max known for every row group so far
	for i := range st.Columns {
		st.Columns[i] = catalog.ColumnStats{DistinctCount: -1}
		known[i] = true
	}
	for _, f := range t.files {
		st.RowCount += f.meta.NumRows
		for rg, ranges := range f.rgStats {
			rows := f.meta.RowGroup(rg).NumRows()
			for ci, r := range ranges {
				cs := &st.Columns[ci]
				if cs.NullCount >= 0 {
					if r.nulls < 0 {
						cs.NullCount = -1
					} else {
						cs.NullCount += r.nulls
					}
				}
				if !known[ci] {
					continue
				}
				if r.min == nil {
					// A row group of only NULLs has no min/max but does not
					// widen the range.
					if r.nulls != rows || rows == 0 {
						known[ci] = false
						cs.Min, cs.Max = nil, nil
					}
					continue
				}
				if cs.Min == nil {
					cs.Min, cs.Max = r.min, r.max
					continue
				}
				if c, ok := compareValues(r.min, cs.Min, t.files[0].cols[ci].scale); ok && c < 0 {
					cs.Min = r.min
				}
				if c, ok := compareValues(r.max, cs.Max, t.files[0].cols[ci].scale); ok && c > 0 {
					cs.Max = r.max
				}
			}
		}
	}
	return st
}

// Splits returns one split per row group that the predicates do not prove empty.
func (t *parquetTable) Splits(ctx context.Context, preds []catalog.Predicate) ([]catalog.Split, error) {
	for _, p := range preds {
		if p.Column < 0 || p.Column >= len(t.schema.Fields()) {
			return nil, fmt.Errorf("%s: predicate on column %d, but the table has %d columns",
				t.location, p.Column, len(t.schema.Fields()))
		}
	}
	var out []catalog.Split
	for _, f := range t.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for rg, ranges := range f.rgStats {
			rows := f.meta.RowGroup(rg).NumRows()
			if rows == 0 || !rowGroupMayMatch(ranges, rows, f.cols, preds) {
				continue
			}
			out = append(out, ParquetSplit{Path: f.path, RowGroup: rg, Rows: rows})
		}
	}
	return out, nil
}

// fileFor finds the cached footer of a split's file, reading it when the
// split names a file this table did not open (a split from elsewhere).
func (t *parquetTable) fileFor(path string) (*parquetFile, error) {
	if pf, ok := t.byPath[path]; ok {
		return pf, nil
	}
	pf, err := openParquetFile(path)
	if err != nil {
		return nil, err
	}
	if err := sameColumns(t.files[0], pf); err != nil {
		return nil, err
	}
	return pf, nil
}

// Open reads one row group.
func (t *parquetTable) Open(ctx context.Context, split catalog.Split, opts catalog.ScanOptions) (catalog.BatchReader, error) {
	var ps ParquetSplit
	switch s := split.(type) {
	case ParquetSplit:
		ps = s
	case *ParquetSplit:
		if s == nil {
			return nil, errors.New("parquet: nil split")
		}
		ps = *s
	default:
		return nil, fmt.Errorf("%s: split %v is not a Parquet split", t.location, split)
	}
	for _, c := range opts.Columns {
		if c < 0 || c >= len(t.schema.Fields()) {
			return nil, fmt.Errorf("%s: column %d out of range [0,%d)", t.location, c, len(t.schema.Fields()))
		}
	}
	pf, err := t.fileFor(ps.Path)
	if err != nil {
		return nil, err
	}
	if ps.RowGroup < 0 || ps.RowGroup >= pf.meta.NumRowGroups() {
		return nil, fmt.Errorf("%s: row group %d out of range [0,%d)", ps.Path, ps.RowGroup, pf.meta.NumRowGroups())
	}
	return newParquetReader(ctx, t.schema, pf, ps.RowGroup, opts)
}

// readerProps are shared by all readers: the defaults read a whole column
// chunk with one ReadAt, which is the fastest on local files.
var readerProps = parquet.NewReaderProperties(nil)
