// Package engine runs SQL statements in one process: it parses, binds,
// optimizes, plans and executes them against a catalog. The CLI, the
// benchmark runner and the tests use it; the coordinator will use the same
// planner.
package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/datasource"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/optimizer"
	"github.com/aloftdb/aloft/planner"
	"github.com/aloftdb/aloft/sql"
)

// Options configure an Engine.
type Options struct {
	// Partitions is the number of partitions a plan runs as (default: the cores).
	Partitions int
	// MemoryLimit is the bytes buffering operators may hold (executor.memory); <= 0 unlimited.
	MemoryLimit int64
	// BatchSize is the target rows per batch (default exec.DefaultBatchSize).
	BatchSize int
	// StagePlan prints a physical plan cut into stages, for EXPLAIN
	// DISTRIBUTED (distplan's cut, wired in by the command line: the engine
	// does not depend on the distributed packages). Nil disables it.
	StagePlan func(plan exec.Exec) (string, error)
}

// Engine executes statements against its catalog. It is safe for concurrent use.
type Engine struct {
	opts    Options
	catalog *catalog.Catalog
	memory  *exec.MemoryPool
}

// New returns an engine with an empty catalog.
func New(opts Options) *Engine {
	if opts.Partitions <= 0 {
		opts.Partitions = runtime.NumCPU()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = exec.DefaultBatchSize
	}
	return &Engine{opts: opts, catalog: catalog.New(), memory: exec.NewMemoryPool(opts.MemoryLimit)}
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *catalog.Catalog { return e.catalog }

// Result is the outcome of one statement: rows (Schema and Batches) for
// queries, SHOW and DESCRIBE and EXPLAIN; a Message for DDL.
type Result struct {
	Schema  *arrow.Schema
	Batches []arrow.RecordBatch
	Message string // e.g. "created table t"; empty for row results
	Elapsed time.Duration
}

// NumRows counts the rows in a result.
func (r *Result) NumRows() int64 {
	var n int64
	for _, b := range r.Batches {
		n += b.NumRows()
	}
	return n
}

// Execute runs the SQL statements in sqlText in order and returns the result
// of the last one. It stops at the first error.
func (e *Engine) Execute(ctx context.Context, sqlText string) (*Result, error) {
	stmts, err := sql.Parse(sqlText)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("no SQL statement given")
	}
	var res *Result
	for _, st := range stmts {
		start := time.Now()
		if res, err = e.run(ctx, st); err != nil {
			return nil, err
		}
		res.Elapsed = time.Since(start)
	}
	return res, nil
}

func (e *Engine) run(ctx context.Context, st sql.Statement) (*Result, error) {
	switch s := st.(type) {
	case *sql.Query:
		phys, err := e.planQuery(ctx, s, nil)
		if err != nil {
			return nil, err
		}
		return e.collect(ctx, phys)
	case *sql.Explain:
		return e.explain(ctx, s)
	case *sql.CreateExternalTable:
		if s.IfNotExists {
			if _, err := e.catalog.Lookup(s.Name); err == nil {
				return &Result{Message: fmt.Sprintf("table %s already exists", s.Name)}, nil
			}
		}
		t, err := datasource.Open(s.Location, s.Format, s.Options)
		if err != nil {
			return nil, fmt.Errorf("CREATE EXTERNAL TABLE %s: %w", s.Name, err)
		}
		if err := e.catalog.Register(s.Name, t, false); err != nil {
			// Another statement created the name since the Lookup above.
			if _, lerr := e.catalog.Lookup(s.Name); s.IfNotExists && lerr == nil {
				return &Result{Message: fmt.Sprintf("table %s already exists", s.Name)}, nil
			}
			return nil, err
		}
		return &Result{Message: fmt.Sprintf("created table %s", s.Name)}, nil
	case *sql.DropTable:
		if res, err, done := e.dropTableHook(s); done { // hook: views (dml.go)
			return res, err
		}
		if err := e.catalog.Drop(s.Name); err != nil {
			if s.IfExists {
				return &Result{Message: fmt.Sprintf("table %s does not exist", s.Name)}, nil
			}
			return nil, err
		}
		return &Result{Message: fmt.Sprintf("dropped table %s", s.Name)}, nil
	case *sql.ShowTables:
		return stringsResult([]string{"table_name"}, rowsOf(e.catalog.Names())), nil
	case *sql.Describe:
		t, err := e.catalog.Lookup(s.Name)
		if err != nil {
			return nil, err
		}
		var rows [][]string
		for _, f := range t.Schema().Fields() {
			null := "NO"
			if f.Nullable {
				null = "YES"
			}
			rows = append(rows, []string{f.Name, logical.TypeName(f.Type), null})
		}
		return stringsResult([]string{"column_name", "data_type", "nullable"}, rows), nil
	default: // hook: writable tables, indexes, views (dml.go)
		return e.runDML(ctx, s)
	}
}

// planQuery binds, optimizes and plans a query. trace, when not nil,
// receives the plan after binding and after each optimizer rule.
func (e *Engine) planQuery(ctx context.Context, q *sql.Query, trace func(stage string, plan logical.Node)) (exec.Exec, error) {
	bound, err := sql.Bind(q, e.catalog)
	if err != nil {
		return nil, err
	}
	if trace != nil {
		trace("bound", bound.Plan)
	}
	optimized, err := optimizer.Optimize(bound.Plan, &optimizer.Context{IDs: bound.IDs, Trace: trace}, optimizer.DefaultRules())
	if err != nil {
		return nil, err
	}
	if trace != nil {
		trace("optimized", optimized)
	}
	return planner.Plan(ctx, optimized, planner.Options{Partitions: e.opts.Partitions})
}

func (e *Engine) taskContext(ctx context.Context) *exec.TaskContext {
	tc := exec.NewTaskContext(ctx, 0)
	tc.Memory = e.memory
	tc.BatchSize = e.opts.BatchSize
	return tc
}

func (e *Engine) collect(ctx context.Context, plan exec.Exec) (*Result, error) {
	// Cancelling at the end releases state that operators share across
	// partitions (exchanges, hash join build sides) even when a stream was
	// never drained, e.g. below a LIMIT.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches, err := exec.Collect(e.taskContext(ctx), plan)
	if err != nil {
		return nil, err
	}
	return &Result{Schema: plan.Schema(), Batches: batches}, nil
}

// RegisterDirectory registers every *.parquet and *.csv file, and every
// folder of them, directly inside dir as a table named after it (without the
// extension). Entries that are neither are skipped.
func (e *Engine) RegisterDirectory(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, ent := range entries {
		name := ent.Name()
		path := filepath.Join(dir, name)
		format := ""
		switch {
		case ent.IsDir():
			format = dirFormat(path)
			if format == "" {
				continue
			}
		case strings.HasSuffix(strings.ToLower(name), ".parquet"):
			format, name = "parquet", name[:len(name)-len(".parquet")]
		case strings.HasSuffix(strings.ToLower(name), ".csv"):
			format, name = "csv", name[:len(name)-len(".csv")]
		default:
			continue
		}
		if strings.HasPrefix(ent.Name(), ".") { // hidden, including ".parquet" (a table named "")
			continue
		}
		t, err := datasource.Open(path, format, nil)
		if err != nil {
			return fmt.Errorf("register %s: %w", path, err)
		}
		if err := e.catalog.Register(name, t, true); err != nil {
			return err
		}
	}
	return nil
}

// dirFormat tells whether a folder holds Parquet or CSV files ("" if neither).
func dirFormat(path string) string {
	entries, err := os.ReadDir(path)
	if err != nil {
		return ""
	}
	for _, ent := range entries {
		n := strings.ToLower(ent.Name())
		switch {
		case strings.HasSuffix(n, ".parquet"):
			return "parquet"
		case strings.HasSuffix(n, ".csv"):
			return "csv"
		}
	}
	return ""
}
