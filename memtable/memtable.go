// Package memtable implements writable in-memory tables (CREATE TABLE,
// INSERT, UPDATE, DELETE). A Table keeps an immutable snapshot of Arrow
// record batches; a writer builds a new snapshot and publishes it atomically
// (copy-on-write), so queries that already listed their splits keep reading
// the version they started with and never see a half-written change.
//
// Splits of a memory table point into the process's memory: they are
// readable only in the process that holds the table.
package memtable

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/catalog"
)

// chunkRows is the size up to which small appends are merged into the last
// chunk, so a table filled one row at a time still scans as few batches.
const chunkRows = 8192

// Column is a column definition with the constraints CREATE TABLE recorded.
type Column struct {
	Name     string
	Type     arrow.DataType
	SQLType  string // the declared type, e.g. "INTEGER", "VARCHAR(8)"
	NotNull  bool
	Primary  bool // part of the primary key
	Unique   bool // declared UNIQUE on the column
	Default  any  // the default value (logical literal Go type); nil = NULL
	MaxChars int  // VARCHAR(n)/CHAR(n) length limit in characters; 0 = none
	// MinInt and MaxInt bound integer columns (declared width); both 0 = no check.
	MinInt, MaxInt int64
}

// Index is a recorded index (indexes are not used for reads).
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// Table is a writable in-memory table. Reads are lock-free; writers are
// serialized by Lock/Unlock around a read-modify-write.
type Table struct {
	name    string
	schema  *arrow.Schema
	columns []Column
	primary []string // primary key columns, in key order

	write sync.Mutex // held by a writer across read-compute-publish
	snap  atomic.Pointer[snapshot]

	imu     sync.Mutex
	indexes []Index
}

// snapshot is one immutable version of the table's contents.
type snapshot struct {
	chunks []arrow.RecordBatch
	rows   int64
	stats  *catalog.TableStats
}

// New creates an empty table. primaryKey lists the primary key columns
// (also marked Primary and NotNull in columns).
func New(name string, columns []Column, primaryKey []string) (*Table, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("table %s must have at least one column", name)
	}
	seen := map[string]bool{}
	fields := make([]arrow.Field, len(columns))
	cols := append([]Column(nil), columns...)
	for i, c := range cols {
		key := strings.ToLower(c.Name)
		if seen[key] {
			return nil, fmt.Errorf("duplicate column name %q", c.Name)
		}
		seen[key] = true
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: !c.NotNull}
	}
	for _, pk := range primaryKey {
		i := indexOf(cols, pk)
		if i < 0 {
			return nil, fmt.Errorf("primary key column %q does not exist", pk)
		}
		cols[i].Primary, cols[i].NotNull = true, true
		fields[i].Nullable = false
	}
	t := &Table{name: name, schema: arrow.NewSchema(fields, nil), columns: cols, primary: append([]string(nil), primaryKey...)}
	t.snap.Store(newSnapshot(t.schema, nil))
	return t, nil
}

func indexOf(cols []Column, name string) int {
	for i, c := range cols {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// Name is the table's name.
func (t *Table) Name() string { return t.name }

// Columns are the column definitions.
func (t *Table) Columns() []Column { return append([]Column(nil), t.columns...) }

// PrimaryKey lists the primary key columns.
func (t *Table) PrimaryKey() []string { return append([]string(nil), t.primary...) }

// Schema implements catalog.Table.
func (t *Table) Schema() *arrow.Schema { return t.schema }

// Location implements catalog.Table.
func (t *Table) Location() string { return "memory:" + t.name }

// Statistics implements catalog.Table: exact row and null counts, and
// min/max of integer, float, decimal and text columns.
func (t *Table) Statistics() *catalog.TableStats { return t.snap.Load().stats }

// NumRows is the current row count.
func (t *Table) NumRows() int64 { return t.snap.Load().rows }

// Split is one stored chunk of one snapshot.
type Split struct {
	table string
	snap  *snapshot
	index int
}

// String implements catalog.Split.
func (s Split) String() string { return fmt.Sprintf("%s chunk %d", s.table, s.index) }

// EstimatedRows implements catalog.Split.
func (s Split) EstimatedRows() int64 { return s.snap.chunks[s.index].NumRows() }

// Splits implements catalog.Table: one split per chunk of the current snapshot.
func (t *Table) Splits(ctx context.Context, preds []catalog.Predicate) ([]catalog.Split, error) {
	s := t.snap.Load()
	out := make([]catalog.Split, len(s.chunks))
	for i := range s.chunks {
		out[i] = Split{table: t.name, snap: s, index: i}
	}
	return out, nil
}

// Open implements catalog.Table.
func (t *Table) Open(ctx context.Context, split catalog.Split, opts catalog.ScanOptions) (catalog.BatchReader, error) {
	var s Split
	switch x := split.(type) {
	case Split:
		s = x
	case *Split:
		s = *x
	default:
		return nil, fmt.Errorf("%s: split %v is not a memory table split", t.Location(), split)
	}
	if s.snap == nil || s.index < 0 || s.index >= len(s.snap.chunks) {
		return nil, fmt.Errorf("%s: invalid split %v", t.Location(), split)
	}
	fields := make([]arrow.Field, len(opts.Columns))
	cols := make([]arrow.Array, len(opts.Columns))
	chunk := s.snap.chunks[s.index]
	for i, c := range opts.Columns {
		if c < 0 || c >= int(chunk.NumCols()) {
			return nil, fmt.Errorf("%s: column %d out of range [0,%d)", t.Location(), c, chunk.NumCols())
		}
		fields[i] = t.schema.Field(c)
		cols[i] = chunk.Column(c)
	}
	return &reader{ctx: ctx, batch: array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, chunk.NumRows()), filter: opts.Filter}, nil
}

type reader struct {
	ctx    context.Context
	batch  arrow.RecordBatch
	filter catalog.Filter
}

func (r *reader) Next() (arrow.RecordBatch, error) {
	b := r.batch
	if b == nil {
		return nil, nil
	}
	r.batch = nil
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	if r.filter == nil {
		return b, nil
	}
	mask, err := r.filter.Mask(b)
	if err != nil {
		return nil, fmt.Errorf("evaluate filter: %w", err)
	}
	if mask.DataType().ID() != arrow.BOOL || int64(mask.Len()) != b.NumRows() {
		return nil, fmt.Errorf("filter returned %s of length %d for a batch of %d rows, want a boolean mask",
			mask.DataType(), mask.Len(), b.NumRows())
	}
	return compute.FilterRecordBatch(r.ctx, b, mask, compute.DefaultFilterOptions())
}

func (r *reader) Close() error { r.batch = nil; return nil }

// Lock serializes writers: hold it across reading the table, computing the
// new contents and calling Append or Replace. Readers never wait.
func (t *Table) Lock()   { t.write.Lock() }
func (t *Table) Unlock() { t.write.Unlock() }

// Append adds rows. The batches must have the table's column types in
// order; constraints (NOT NULL, lengths, integer ranges, primary key and
// unique columns) are checked first and nothing is written when one fails.
// The caller holds Lock.
func (t *Table) Append(batches []arrow.RecordBatch) (int64, error) {
	old := t.snap.Load()
	var added []arrow.RecordBatch
	var n int64
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		nb, err := t.conform(b)
		if err != nil {
			return 0, err
		}
		added = append(added, nb)
		n += nb.NumRows()
	}
	if n == 0 {
		return 0, nil
	}
	chunks := append([]arrow.RecordBatch(nil), old.chunks...)
	// Merge small appends into the last chunk (a new batch: old snapshots
	// keep theirs).
	for _, b := range added {
		if k := len(chunks); k > 0 && chunks[k-1].NumRows()+b.NumRows() <= chunkRows {
			merged, err := concat(t.schema, chunks[k-1], b)
			if err != nil {
				return 0, err
			}
			chunks[k-1] = merged
			continue
		}
		chunks = append(chunks, b)
	}
	if err := t.checkKeys(chunks); err != nil {
		return 0, err
	}
	t.snap.Store(newSnapshot(t.schema, chunks))
	return n, nil
}

// Replace swaps the whole contents (UPDATE, DELETE). Constraints are
// checked as for Append. The caller holds Lock.
func (t *Table) Replace(batches []arrow.RecordBatch) error {
	var chunks []arrow.RecordBatch
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		nb, err := t.conform(b)
		if err != nil {
			return err
		}
		chunks = append(chunks, nb)
	}
	// Repack into chunks of up to chunkRows.
	var packed []arrow.RecordBatch
	for _, b := range chunks {
		if k := len(packed); k > 0 && packed[k-1].NumRows()+b.NumRows() <= chunkRows {
			merged, err := concat(t.schema, packed[k-1], b)
			if err != nil {
				return err
			}
			packed[k-1] = merged
			continue
		}
		packed = append(packed, b)
	}
	if err := t.checkKeys(packed); err != nil {
		return err
	}
	t.snap.Store(newSnapshot(t.schema, packed))
	return nil
}

// Snapshot returns the current batches (shared, immutable).
func (t *Table) Snapshot() []arrow.RecordBatch {
	return append([]arrow.RecordBatch(nil), t.snap.Load().chunks...)
}

// conform checks b against the column types and constraints and returns it
// under the table's schema.
func (t *Table) conform(b arrow.RecordBatch) (arrow.RecordBatch, error) {
	if int(b.NumCols()) != len(t.columns) {
		return nil, fmt.Errorf("table %s has %d columns, got %d values per row", t.name, len(t.columns), b.NumCols())
	}
	cols := make([]arrow.Array, len(t.columns))
	for i, c := range t.columns {
		a := b.Column(i)
		if !arrow.TypeEqual(a.DataType(), c.Type) {
			return nil, fmt.Errorf("table %s column %s: got %s values, want %s", t.name, c.Name, a.DataType(), c.Type)
		}
		if c.NotNull && a.NullN() > 0 {
			return nil, fmt.Errorf("column %q of table %s cannot be NULL", c.Name, t.name)
		}
		if err := checkValues(t.name, c, a); err != nil {
			return nil, err
		}
		cols[i] = a
	}
	return array.NewRecordBatch(t.schema, cols, b.NumRows()), nil
}

// checkValues enforces VARCHAR(n) lengths and integer widths.
func checkValues(table string, c Column, a arrow.Array) error {
	switch x := a.(type) {
	case *array.String:
		if c.MaxChars <= 0 {
			return nil
		}
		for i := 0; i < x.Len(); i++ {
			if x.IsValid(i) && utf8.RuneCountInString(x.Value(i)) > c.MaxChars {
				return fmt.Errorf("value too long for column %q of table %s (%s)", c.Name, table, c.SQLType)
			}
		}
	case *array.Int64:
		if c.MinInt == 0 && c.MaxInt == 0 {
			return nil
		}
		for i := 0; i < x.Len(); i++ {
			if v := x.Value(i); x.IsValid(i) && (v < c.MinInt || v > c.MaxInt) {
				return fmt.Errorf("value %d out of range for column %q of table %s (%s)", v, c.Name, table, c.SQLType)
			}
		}
	}
	return nil
}

// checkKeys enforces the primary key and UNIQUE columns and indexes over
// the whole new contents (NULLs never collide, as in MySQL).
func (t *Table) checkKeys(chunks []arrow.RecordBatch) error {
	var keys [][]string
	if len(t.primary) > 0 {
		keys = append(keys, t.primary)
	}
	for _, c := range t.columns {
		if c.Unique {
			keys = append(keys, []string{c.Name})
		}
	}
	t.imu.Lock()
	for _, ix := range t.indexes {
		if ix.Unique {
			keys = append(keys, ix.Columns)
		}
	}
	t.imu.Unlock()
	for _, key := range keys {
		if err := t.checkUnique(chunks, key); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) checkUnique(chunks []arrow.RecordBatch, key []string) error {
	idx := make([]int, len(key))
	for i, k := range key {
		if idx[i] = indexOf(t.columns, k); idx[i] < 0 {
			return fmt.Errorf("key column %q does not exist", k)
		}
	}
	seen := map[string]bool{}
	var sb strings.Builder
	for _, b := range chunks {
	rows:
		for r := 0; r < int(b.NumRows()); r++ {
			sb.Reset()
			for _, c := range idx {
				a := b.Column(c)
				if a.IsNull(r) {
					continue rows
				}
				v := keyValue(a, r)
				fmt.Fprintf(&sb, "%d:%s|", len(v), v)
			}
			k := sb.String()
			if seen[k] {
				return fmt.Errorf("duplicate entry for key (%s) of table %s", strings.Join(key, ", "), t.name)
			}
			seen[k] = true
		}
	}
	return nil
}

// keyValue renders a value for key comparison. Text compares without
// regard to case and trailing spaces, as MySQL's default collation does.
func keyValue(a arrow.Array, i int) string {
	switch x := a.(type) {
	case *array.String:
		return strings.ToLower(strings.TrimRight(x.Value(i), " "))
	case *array.Float64:
		v := x.Value(i)
		if v == 0 {
			v = 0 // -0 equals 0
		}
		return fmt.Sprint(v)
	}
	return a.ValueStr(i)
}

// AddIndex records an index. Unique indexes are checked against the
// current contents and enforced from then on.
func (t *Table) AddIndex(ix Index, ifNotExists bool) error {
	t.write.Lock()
	defer t.write.Unlock()
	for _, c := range ix.Columns {
		if indexOf(t.columns, c) < 0 {
			return fmt.Errorf("index %s: column %q does not exist in table %s", ix.Name, c, t.name)
		}
	}
	t.imu.Lock()
	for _, old := range t.indexes {
		if strings.EqualFold(old.Name, ix.Name) {
			t.imu.Unlock()
			if ifNotExists {
				return nil
			}
			return fmt.Errorf("index %s already exists on table %s", ix.Name, t.name)
		}
	}
	t.imu.Unlock()
	if ix.Unique {
		if err := t.checkUnique(t.snap.Load().chunks, ix.Columns); err != nil {
			return err
		}
	}
	t.imu.Lock()
	t.indexes = append(t.indexes, ix)
	t.imu.Unlock()
	return nil
}

// DropIndex removes a recorded index.
func (t *Table) DropIndex(name string) error {
	t.imu.Lock()
	defer t.imu.Unlock()
	for i, ix := range t.indexes {
		if strings.EqualFold(ix.Name, name) {
			t.indexes = append(t.indexes[:i:i], t.indexes[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("index %s does not exist on table %s", name, t.name)
}

// Indexes lists the recorded indexes.
func (t *Table) Indexes() []Index {
	t.imu.Lock()
	defer t.imu.Unlock()
	return append([]Index(nil), t.indexes...)
}

func concat(schema *arrow.Schema, a, b arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, a.NumCols())
	for i := range cols {
		c, err := array.Concatenate([]arrow.Array{a.Column(i), b.Column(i)}, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return array.NewRecordBatch(schema, cols, a.NumRows()+b.NumRows()), nil
}

func newSnapshot(schema *arrow.Schema, chunks []arrow.RecordBatch) *snapshot {
	s := &snapshot{chunks: chunks}
	stats := &catalog.TableStats{Columns: make([]catalog.ColumnStats, len(schema.Fields()))}
	for _, c := range chunks {
		s.rows += c.NumRows()
	}
	stats.RowCount = s.rows
	for i := range stats.Columns {
		cs := catalog.ColumnStats{DistinctCount: -1}
		for _, c := range chunks {
			a := c.Column(i)
			cs.NullCount += int64(a.NullN())
			mergeMinMax(&cs, a, schema.Field(i).Type)
		}
		stats.Columns[i] = cs
	}
	s.stats = stats
	return s
}

// mergeMinMax folds a's min/max into cs for the types where it is cheap.
func mergeMinMax(cs *catalog.ColumnStats, a arrow.Array, t arrow.DataType) {
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		var v any
		var less func(x, y any) bool
		switch x := a.(type) {
		case *array.Int64:
			v, less = x.Value(i), func(p, q any) bool { return p.(int64) < q.(int64) }
		case *array.Float64:
			f := x.Value(i)
			if f != f { // NaN: no usable range
				cs.Min, cs.Max = nil, nil
				return
			}
			v, less = f, func(p, q any) bool { return p.(float64) < q.(float64) }
		case *array.String:
			v, less = x.Value(i), func(p, q any) bool { return p.(string) < q.(string) }
		case *array.Decimal128:
			v, less = x.Value(i), func(p, q any) bool { return p.(decimal128.Num).Less(q.(decimal128.Num)) }
		default:
			return
		}
		if cs.Min == nil || less(v, cs.Min) {
			cs.Min = v
		}
		if cs.Max == nil || less(cs.Max, v) {
			cs.Max = v
		}
	}
}
