package catalog

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// View is a named query (CREATE VIEW). It shares the catalog's namespace
// with tables, as in MySQL, but holds no data: the binder recognises a View
// when it resolves a FROM name and binds its query text afresh at every use,
// so the view sees the current tables. It implements Table only so that it
// can live in the catalog (and be listed and described); reading it as a
// table is an error.
type View struct {
	name    string
	sql     string
	columns []string
	schema  *arrow.Schema
}

// NewView returns a view named name over the query text sql. columns, when
// not empty, rename the query's output columns (CREATE VIEW v (a, b) AS ...).
// schema is the query's output schema when the view was created (for
// DESCRIBE; uses re-bind the query).
func NewView(name, sql string, columns []string, schema *arrow.Schema) *View {
	return &View{name: name, sql: sql, columns: append([]string(nil), columns...), schema: schema}
}

// Name is the view's name.
func (v *View) Name() string { return v.name }

// SQL is the view's query text.
func (v *View) SQL() string { return v.sql }

// ColumnNames are the column names given in CREATE VIEW (nil when none).
func (v *View) ColumnNames() []string { return append([]string(nil), v.columns...) }

// Schema is the view's output schema as of its creation.
func (v *View) Schema() *arrow.Schema { return v.schema }

// Statistics are unknown for views.
func (v *View) Statistics() *TableStats {
	cols := make([]ColumnStats, len(v.schema.Fields()))
	for i := range cols {
		cols[i] = ColumnStats{NullCount: -1, DistinctCount: -1}
	}
	return &TableStats{RowCount: -1, Columns: cols}
}

// Splits fails: a view is bound as a query, never scanned.
func (v *View) Splits(ctx context.Context, preds []Predicate) ([]Split, error) {
	return nil, fmt.Errorf("%s is a view, not a table", v.name)
}

// Open fails: a view is bound as a query, never scanned.
func (v *View) Open(ctx context.Context, split Split, opts ScanOptions) (BatchReader, error) {
	return nil, fmt.Errorf("%s is a view, not a table", v.name)
}

// Location describes the view.
func (v *View) Location() string { return "view " + v.name }

// IsView reports whether name is a view in c.
func (c *Catalog) IsView(name string) bool {
	t, err := c.Lookup(name)
	if err != nil {
		return false
	}
	_, ok := t.(*View)
	return ok
}
