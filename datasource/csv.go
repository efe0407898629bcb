package datasource

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CSVOptions configure reading CSV files.
type CSVOptions struct {
	// Header says the first line names the columns (otherwise they are
	// column0, column1, ...).
	Header bool
	// Delimiter separates fields; 0 means ','.
	Delimiter rune
}

// DefaultCSVOptions are a header line and comma-separated fields.
func DefaultCSVOptions() CSVOptions { return CSVOptions{Header: true, Delimiter: ','} }

// csvSampleRows is how many data rows schema inference looks at.
const csvSampleRows = 1000

// CSVSplit is one CSV file.
type CSVSplit struct {
	Path string
}

func (s CSVSplit) String() string { return filepath.Base(s.Path) }

// EstimatedRows is unknown for CSV.
func (s CSVSplit) EstimatedRows() int64 { return -1 }

type csvTable struct {
	location string
	files    []string
	opts     CSVOptions
	schema   *arrow.Schema
	stats    *catalog.TableStats
}

// OpenCSV opens a CSV file or a directory of *.csv files. The schema is
// inferred from the first rows of the first file: BIGINT, DOUBLE, DATE
// (YYYY-MM-DD), TIMESTAMP, BOOLEAN, else VARCHAR; an empty field is NULL.
func OpenCSV(path string, opts CSVOptions) (catalog.Table, error) {
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	ext := ".csv"
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if files, _ := listFiles(path, ".tsv"); len(files) > 0 {
			ext = ".tsv"
		}
	}
	files, err := listFiles(path, ext)
	if err != nil {
		return nil, err
	}
	schema, err := inferCSVSchema(files[0], opts)
	if err != nil {
		return nil, err
	}
	st := &catalog.TableStats{RowCount: -1, Columns: make([]catalog.ColumnStats, len(schema.Fields()))}
	for i := range st.Columns {
		st.Columns[i] = catalog.ColumnStats{NullCount: -1, DistinctCount: -1}
	}
	return &csvTable{location: path, files: files, opts: opts, schema: schema, stats: st}, nil
}

func newCSVReader(r io.Reader, opts CSVOptions) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = opts.Delimiter
	cr.FieldsPerRecord = -1 // checked by us, with a clearer message
	cr.ReuseRecord = true
	return cr
}

// csvKind is an inferred CSV column type, from most to least specific.
type csvKind int

const (
	csvBool csvKind = 1 << iota
	csvInt
	csvFloat
	csvDate
	csvTimestamp
)

var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
}

func fieldKinds(s string) csvKind {
	var k csvKind
	if strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
		k |= csvBool
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		k |= csvInt
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP_") {
		k |= csvFloat
	}
	if len(s) == 10 {
		if _, err := time.Parse("2006-01-02", s); err == nil {
			k |= csvDate
		}
	}
	if len(s) >= 19 {
		if _, ok := parseTimestamp(s); ok {
			k |= csvTimestamp
		}
	}
	return k
}

func parseTimestamp(s string) (arrow.Timestamp, bool) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return arrow.Timestamp(t.UnixMicro()), true
		}
	}
	return 0, false
}

func inferCSVSchema(path string, opts CSVOptions) (*arrow.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	cr := newCSVReader(f, opts)
	cr.ReuseRecord = false
	var names []string
	if opts.Header {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("open %s: empty CSV file, no header", path)
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		names = rec
	}
	var possible []csvKind // per column: kinds every non-empty sample field fits
	var seen []bool
	for row := 0; row < csvSampleRows; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		for len(possible) < len(rec) {
			possible = append(possible, csvBool|csvInt|csvFloat|csvDate|csvTimestamp)
			seen = append(seen, false)
		}
		for i, s := range rec {
			if s == "" {
				continue
			}
			seen[i] = true
			possible[i] &= fieldKinds(s)
		}
	}
	if names == nil {
		names = make([]string, len(possible))
		for i := range names {
			names[i] = fmt.Sprintf("column%d", i)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("open %s: no columns", path)
	}
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		typ := arrow.DataType(arrow.BinaryTypes.String)
		if i < len(possible) && seen[i] {
			switch k := possible[i]; {
			case k&csvBool != 0:
				typ = arrow.FixedWidthTypes.Boolean
			case k&csvInt != 0:
				typ = arrow.PrimitiveTypes.Int64
			case k&csvFloat != 0:
				typ = arrow.PrimitiveTypes.Float64
			case k&csvDate != 0:
				typ = arrow.FixedWidthTypes.Date32
			case k&csvTimestamp != 0:
				typ = arrow.FixedWidthTypes.Timestamp_us
			}
		}
		if name == "" {
			name = fmt.Sprintf("column%d", i)
		}
		fields[i] = arrow.Field{Name: name, Type: typ, Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}

func (t *csvTable) Schema() *arrow.Schema           { return t.schema }
func (t *csvTable) Statistics() *catalog.TableStats { return t.stats }
func (t *csvTable) Location() string                { return t.location }

// Splits returns one split per file; CSV has no statistics to prune with.
func (t *csvTable) Splits(ctx context.Context, preds []catalog.Predicate) ([]catalog.Split, error) {
	out := make([]catalog.Split, len(t.files))
	for i, f := range t.files {
		out[i] = CSVSplit{Path: f}
	}
	return out, nil
}

func (t *csvTable) Open(ctx context.Context, split catalog.Split, opts catalog.ScanOptions) (catalog.BatchReader, error) {
	var path string
	switch s := split.(type) {
	case CSVSplit:
		path = s.Path
	case *CSVSplit:
		path = s.Path
	default:
		return nil, fmt.Errorf("%s: split %v is not a CSV split", t.location, split)
	}
	fields := make([]arrow.Field, len(opts.Columns))
	for i, c := range opts.Columns {
		if c < 0 || c >= len(t.schema.Fields()) {
			return nil, fmt.Errorf("%s: column %d out of range [0,%d)", t.location, c, len(t.schema.Fields()))
		}
		fields[i] = t.schema.Field(c)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r := &csvReader{
		ctx:     ctx,
		path:    path,
		f:       f,
		cr:      newCSVReader(f, t.opts),
		ncols:   len(t.schema.Fields()),
		columns: opts.Columns,
		schema:  arrow.NewSchema(fields, nil),
		filter:  opts.Filter,
		batch:   opts.BatchSize,
		line:    0,
	}
	if r.batch <= 0 {
		r.batch = 8192
	}
	if t.opts.Header {
		if _, err := r.cr.Read(); err != nil && !errors.Is(err, io.EOF) {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		r.line = 1
	}
	return r, nil
}

type csvReader struct {
	ctx     context.Context
	path    string
	f       *os.File
	cr      *csv.Reader
	ncols   int
	columns []int
	schema  *arrow.Schema
	filter  catalog.Filter
	batch   int
	line    int
	done    bool
}

func (r *csvReader) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

func (r *csvReader) Next() (arrow.RecordBatch, error) {
	for !r.done {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.readBatch()
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, nil
		}
		if r.filter != nil {
			rec, err = applyFilter(r.ctx, r.filter, rec)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", r.path, err)
			}
		}
		if rec.NumRows() > 0 {
			return rec, nil
		}
	}
	return nil, nil
}

func (r *csvReader) readBatch() (arrow.RecordBatch, error) {
	if r.f == nil {
		return nil, nil
	}
	builders := make([]array.Builder, len(r.columns))
	for i, f := range r.schema.Fields() {
		builders[i] = array.NewBuilder(memory.DefaultAllocator, f.Type)
		builders[i].Reserve(r.batch)
	}
	rows := 0
	for rows < r.batch {
		rec, err := r.cr.Read()
		if errors.Is(err, io.EOF) {
			r.done = true
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", r.path, err)
		}
		r.line++
		if len(rec) != r.ncols {
			return nil, fmt.Errorf("read %s line %d: %d fields, want %d", r.path, r.line, len(rec), r.ncols)
		}
		for i, c := range r.columns {
			if err := appendCSVField(builders[i], rec[c]); err != nil {
				return nil, fmt.Errorf("read %s line %d column %s: %w", r.path, r.line, r.schema.Field(i).Name, err)
			}
		}
		rows++
	}
	if rows == 0 {
		return nil, nil
	}
	arrs := make([]arrow.Array, len(builders))
	for i, b := range builders {
		arrs[i] = b.NewArray()
		b.Release()
	}
	return array.NewRecordBatch(r.schema, arrs, int64(rows)), nil
}

func appendCSVField(b array.Builder, s string) error {
	if s == "" {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(s)
	case *array.Int64Builder:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a BIGINT (type inferred from the first %d rows)", s, csvSampleRows)
		}
		b.Append(v)
	case *array.Float64Builder:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a DOUBLE (type inferred from the first %d rows)", s, csvSampleRows)
		}
		b.Append(v)
	case *array.BooleanBuilder:
		v, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not a BOOLEAN (type inferred from the first %d rows)", s, csvSampleRows)
		}
		b.Append(v)
	case *array.Date32Builder:
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return fmt.Errorf("%q is not a DATE (type inferred from the first %d rows)", s, csvSampleRows)
		}
		b.Append(arrow.Date32FromTime(t))
	case *array.TimestampBuilder:
		v, ok := parseTimestamp(s)
		if !ok {
			return fmt.Errorf("%q is not a TIMESTAMP (type inferred from the first %d rows)", s, csvSampleRows)
		}
		b.Append(v)
	default:
		return fmt.Errorf("no CSV parser for %T", b)
	}
	return nil
}

// applyFilter keeps the rows of rec where the filter's mask is true.
func applyFilter(ctx context.Context, f catalog.Filter, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	mask, err := f.Mask(rec)
	if err != nil {
		return nil, fmt.Errorf("evaluate filter: %w", err)
	}
	if mask.DataType().ID() != arrow.BOOL || int64(mask.Len()) != rec.NumRows() {
		return nil, fmt.Errorf("filter returned %s of length %d for a batch of %d rows, want a boolean mask",
			mask.DataType(), mask.Len(), rec.NumRows())
	}
	out, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		return nil, fmt.Errorf("apply filter: %w", err)
	}
	return out, nil
}
