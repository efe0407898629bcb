// Package catalog names the tables a query can read. A Table is a source of
// Arrow record batches split into independently readable pieces (Splits), with
// statistics for the optimizer. Implementations live in datasource/.
package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// Table is a readable relation.
type Table interface {
	// Schema is the full schema of the table.
	Schema() *arrow.Schema
	// Statistics are row count and per-column statistics, as exact as the
	// source allows (Parquet footers give exact row counts and min/max).
	Statistics() *TableStats
	// Splits lists the pieces of the table that can be read independently
	// (for Parquet: one per row group or a few row groups), leaving out pieces
	// that the predicates prove empty (row-group pruning by min/max).
	// Predicates are conjuncts: a row must satisfy all of them.
	Splits(ctx context.Context, preds []Predicate) ([]Split, error)
	// Open reads one split. Only opts.Columns are produced, in that order.
	Open(ctx context.Context, split Split, opts ScanOptions) (BatchReader, error)
	// Location describes where the data lives (a path) for EXPLAIN and errors.
	Location() string
}

// Split is one independently readable piece of a table. It must be a small,
// serializable value (it will travel to executors separately from the plan).
type Split interface {
	// String names the piece for EXPLAIN ANALYZE and errors ("lineitem.parquet rg 3").
	String() string
	// EstimatedRows is the row count of the piece, or -1 when unknown.
	EstimatedRows() int64
}

// ScanOptions say what to read from a split.
type ScanOptions struct {
	// Columns are indexes into Table.Schema() of the columns to produce, in output order.
	Columns []int
	// Filter, when not nil, is evaluated by the reader on each batch it
	// produces (the batch has exactly Columns, in order) and rows where it is
	// not true are dropped before the batch is returned. A reader may
	// evaluate it on the FilterColumns first and decode the other columns only
	// for row groups/pages with matching rows (late materialization).
	Filter Filter
	// BatchSize is the preferred number of rows a batch (0 = reader's default, 8192..65536).
	BatchSize int
}

// Filter selects rows of a batch. It returns a boolean mask of batch length
// (NULL counts as false). FilterColumns are the positions, within
// ScanOptions.Columns, of the columns the filter reads.
type Filter interface {
	Mask(batch arrow.RecordBatch) (arrow.Array, error)
	FilterColumns() []int
}

// BatchReader yields batches; Next returns (nil, nil) at the end.
type BatchReader interface {
	Next() (arrow.RecordBatch, error)
	Close() error
}

// PredicateOp is a comparison usable for pruning.
type PredicateOp int

const (
	PredEq PredicateOp = iota
	PredLt
	PredLtEq
	PredGt
	PredGtEq
	PredIsNull
	PredIsNotNull
	PredIn // Values holds the list
)

// Predicate is "column op value", simple enough for any source to prune with.
// Value uses the Go value types of logical literals (int64, float64,
// decimal128.Num scaled to the column's scale, string, arrow.Date32,
// arrow.Timestamp, bool).
type Predicate struct {
	Column int // index into Table.Schema()
	Op     PredicateOp
	Value  any
	Values []any // for PredIn
}

// TableStats are the optimizer's facts about a table.
type TableStats struct {
	RowCount int64 // -1 when unknown
	// Columns parallels Schema().Fields().
	Columns []ColumnStats
}

// ColumnStats describe one column. Min/Max use the logical literal value
// types; nil when unknown.
type ColumnStats struct {
	NullCount     int64 // -1 when unknown
	Min, Max      any
	DistinctCount int64 // estimate; -1 when unknown
}

// Catalog maps table names (case-insensitive) to tables. It is safe for
// concurrent use.
type Catalog struct {
	mu     sync.RWMutex
	tables map[string]entry
}

type entry struct {
	name  string // as the user spelled it
	table Table
}

// New returns an empty catalog.
func New() *Catalog { return &Catalog{tables: map[string]entry{}} }

// ErrTableNotFound is returned (wrapped) when a table does not exist.
type ErrTableNotFound struct{ Name string }

func (e *ErrTableNotFound) Error() string { return fmt.Sprintf("table %q does not exist", e.Name) }

// Register adds a table; replace=false makes an existing name an error.
func (c *Catalog) Register(name string, t Table, replace bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.ToLower(name)
	if _, ok := c.tables[key]; ok && !replace {
		return fmt.Errorf("table %q already exists", name)
	}
	c.tables[key] = entry{name: name, table: t}
	return nil
}

// Drop removes a table.
func (c *Catalog) Drop(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.ToLower(name)
	if _, ok := c.tables[key]; !ok {
		return &ErrTableNotFound{Name: name}
	}
	delete(c.tables, key)
	return nil
}

// Lookup finds a table by name.
func (c *Catalog) Lookup(name string) (Table, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.tables[strings.ToLower(name)]
	if !ok {
		return nil, &ErrTableNotFound{Name: name}
	}
	return e.table, nil
}

// Names lists the table names, sorted.
func (c *Catalog) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.tables))
	for _, e := range c.tables {
		out = append(out, e.name)
	}
	sort.Strings(out)
	return out
}
