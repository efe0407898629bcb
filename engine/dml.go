package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/memtable"
	"github.com/aloftdb/aloft/optimizer"
	"github.com/aloftdb/aloft/planner"
	"github.com/aloftdb/aloft/sql"
)

// runDML runs the statements on writable in-memory tables, indexes and
// views (the default branch of run). Row counts are in Result.Message:
// "N rows inserted", "N rows updated", "N rows deleted".
func (e *Engine) runDML(ctx context.Context, st sql.Statement) (*Result, error) {
	switch s := st.(type) {
	case *sql.CreateTable:
		return e.createTable(s)
	case *sql.Insert:
		return e.insert(ctx, s)
	case *sql.Update:
		return e.update(ctx, s)
	case *sql.Delete:
		return e.delete(ctx, s)
	case *sql.CreateIndex:
		t, err := e.memoryTable(s.Table, "CREATE INDEX")
		if err != nil {
			return nil, err
		}
		if err := t.AddIndex(memtable.Index{Name: s.Name, Columns: s.Columns, Unique: s.Unique}, s.IfNotExists); err != nil {
			return nil, err
		}
		return &Result{Message: fmt.Sprintf("created index %s on %s", s.Name, s.Table)}, nil
	case *sql.DropIndex:
		t, err := e.memoryTable(s.Table, "DROP INDEX")
		if err != nil {
			return nil, err
		}
		if err := t.DropIndex(s.Name); err != nil {
			if s.IfExists {
				return &Result{Message: fmt.Sprintf("index %s does not exist", s.Name)}, nil
			}
			return nil, err
		}
		return &Result{Message: fmt.Sprintf("dropped index %s on %s", s.Name, s.Table)}, nil
	case *sql.CreateView:
		return e.createView(s)
	case *sql.DropView:
		for _, name := range s.Names {
			if !e.catalog.IsView(name) {
				if _, err := e.catalog.Lookup(name); err == nil {
					return nil, fmt.Errorf("%s is not a view", name)
				}
				if s.IfExists {
					continue
				}
				return nil, fmt.Errorf("view %q does not exist", name)
			}
			if err := e.catalog.Drop(name); err != nil && !s.IfExists {
				return nil, err
			}
		}
		return &Result{Message: "dropped view " + strings.Join(s.Names, ", ")}, nil
	case *sql.DropTables:
		// Check every name first: MySQL drops nothing when one is missing.
		for _, name := range s.Names {
			if e.catalog.IsView(name) {
				return nil, fmt.Errorf("%s is a view (use DROP VIEW)", name)
			}
			if _, err := e.catalog.Lookup(name); err != nil && !s.IfExists {
				return nil, err
			}
		}
		for _, name := range s.Names {
			_ = e.catalog.Drop(name)
		}
		return &Result{Message: "dropped table " + strings.Join(s.Names, ", ")}, nil
	}
	return nil, fmt.Errorf("unsupported statement %T", st)
}

// dropTableHook makes DROP TABLE refuse views (called from run's DropTable
// case); done reports that it produced the outcome.
func (e *Engine) dropTableHook(s *sql.DropTable) (res *Result, err error, done bool) {
	if e.catalog.IsView(s.Name) {
		return nil, fmt.Errorf("%s is a view (use DROP VIEW)", s.Name), true
	}
	return nil, nil, false
}

func (e *Engine) createTable(s *sql.CreateTable) (*Result, error) {
	if _, err := e.catalog.Lookup(s.Name); err == nil {
		if s.IfNotExists {
			return &Result{Message: fmt.Sprintf("table %s already exists", s.Name)}, nil
		}
		return nil, fmt.Errorf("table %q already exists", s.Name)
	}
	cols, err := sql.BindCreateTable(s)
	if err != nil {
		return nil, fmt.Errorf("CREATE TABLE %s: %w", s.Name, err)
	}
	t, err := memtable.New(s.Name, cols, s.PrimaryKey)
	if err != nil {
		return nil, fmt.Errorf("CREATE TABLE %s: %w", s.Name, err)
	}
	for i, u := range s.Unique {
		if err := t.AddIndex(memtable.Index{Name: fmt.Sprintf("unique_%d", i+1), Columns: u, Unique: true}, false); err != nil {
			return nil, fmt.Errorf("CREATE TABLE %s: %w", s.Name, err)
		}
	}
	if err := e.catalog.Register(s.Name, t, false); err != nil {
		return nil, err
	}
	return &Result{Message: fmt.Sprintf("created table %s", s.Name)}, nil
}

func (e *Engine) createView(s *sql.CreateView) (*Result, error) {
	if old, err := e.catalog.Lookup(s.Name); err == nil {
		if _, isView := old.(*catalog.View); !isView || !s.OrReplace {
			return nil, fmt.Errorf("table %q already exists", s.Name)
		}
	}
	// Bind now to report errors at creation, as MySQL does, and to record
	// the output schema.
	bound, err := sql.Bind(s.Query, e.catalog)
	if err != nil {
		return nil, fmt.Errorf("CREATE VIEW %s: %w", s.Name, err)
	}
	out := bound.Plan.Schema()
	if len(s.Columns) > 0 && len(s.Columns) != len(out) {
		return nil, fmt.Errorf("CREATE VIEW %s: %d column names for %d columns", s.Name, len(s.Columns), len(out))
	}
	fields := make([]arrow.Field, len(out))
	seen := map[string]bool{}
	for i, c := range out {
		name := c.Name
		if len(s.Columns) > 0 {
			name = s.Columns[i]
		}
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("CREATE VIEW %s: duplicate column name %q", s.Name, name)
		}
		seen[strings.ToLower(name)] = true
		fields[i] = arrow.Field{Name: name, Type: c.Type, Nullable: c.Nullable}
	}
	v := catalog.NewView(s.Name, s.Query.Text, s.Columns, arrow.NewSchema(fields, nil))
	if err := e.catalog.Register(s.Name, v, s.OrReplace); err != nil {
		return nil, err
	}
	return &Result{Message: fmt.Sprintf("created view %s", s.Name)}, nil
}

// memoryTable finds a writable table.
func (e *Engine) memoryTable(name, what string) (*memtable.Table, error) {
	t, err := e.catalog.Lookup(name)
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case *memtable.Table:
		return x, nil
	case *catalog.View:
		return nil, fmt.Errorf("%s: %s is a view and cannot be written", what, name)
	}
	return nil, fmt.Errorf("%s: table %s is read-only (only tables made with CREATE TABLE can be written)", what, name)
}

// runBound optimizes, plans and runs a bound plan to completion.
func (e *Engine) runBound(ctx context.Context, bound *sql.Bound) ([]arrow.RecordBatch, error) {
	optimized, err := optimizer.Optimize(bound.Plan, &optimizer.Context{IDs: bound.IDs}, optimizer.DefaultRules())
	if err != nil {
		return nil, err
	}
	phys, err := planner.Plan(ctx, optimized, planner.Options{Partitions: e.opts.Partitions})
	if err != nil {
		return nil, err
	}
	return exec.Collect(e.taskContext(ctx), phys)
}

func (e *Engine) insert(ctx context.Context, s *sql.Insert) (*Result, error) {
	t, err := e.memoryTable(s.Table, "INSERT")
	if err != nil {
		return nil, err
	}
	t.Lock()
	defer t.Unlock()
	bound, err := sql.BindInsert(s, t, e.catalog)
	if err != nil {
		return nil, err
	}
	batches, err := e.runBound(ctx, bound)
	if err != nil {
		return nil, err
	}
	n, err := t.Append(batches)
	if err != nil {
		return nil, err
	}
	return &Result{Message: rowsMessage(n, "inserted")}, nil
}

func (e *Engine) delete(ctx context.Context, s *sql.Delete) (*Result, error) {
	t, err := e.memoryTable(s.Table, "DELETE")
	if err != nil {
		return nil, err
	}
	t.Lock()
	defer t.Unlock()
	before := t.NumRows()
	bound, err := sql.BindDelete(s, t, e.catalog)
	if err != nil {
		return nil, err
	}
	batches, err := e.runBound(ctx, bound)
	if err != nil {
		return nil, err
	}
	if err := t.Replace(batches); err != nil {
		return nil, err
	}
	return &Result{Message: rowsMessage(before-t.NumRows(), "deleted")}, nil
}

func (e *Engine) update(ctx context.Context, s *sql.Update) (*Result, error) {
	t, err := e.memoryTable(s.Table, "UPDATE")
	if err != nil {
		return nil, err
	}
	t.Lock()
	defer t.Unlock()
	bound, err := sql.BindUpdate(s, t, e.catalog)
	if err != nil {
		return nil, err
	}
	batches, err := e.runBound(ctx, bound)
	if err != nil {
		return nil, err
	}
	// The last column says whether the row matched; the rest is the row.
	var matched int64
	rows := make([]arrow.RecordBatch, 0, len(batches))
	for _, b := range batches {
		n := int(b.NumCols())
		flags, ok := b.Column(n - 1).(*array.Boolean)
		if !ok {
			return nil, errors.New("UPDATE: internal error: no match column")
		}
		for i := 0; i < flags.Len(); i++ {
			if flags.IsValid(i) && flags.Value(i) {
				matched++
			}
		}
		rows = append(rows, array.NewRecordBatch(t.Schema(), b.Columns()[:n-1], b.NumRows()))
	}
	if err := t.Replace(rows); err != nil {
		return nil, err
	}
	return &Result{Message: rowsMessage(matched, "updated")}, nil
}

func rowsMessage(n int64, verb string) string {
	if n == 1 {
		return "1 row " + verb
	}
	return fmt.Sprintf("%d rows %s", n, verb)
}
