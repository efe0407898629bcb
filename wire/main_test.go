package wire

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/catalog"
	datagen "github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// The tests plan the 22 TPC-H queries over SF 0.01, generated once per test
// binary with small row groups so that scans have several splits and the
// plans have exchanges and two-phase aggregations (ALOFT_WIRE_TPCH_DIR
// names an existing data set instead).
const (
	testPartitions   = 4
	testRowGroupRows = 4096
)

var (
	tpchOnce sync.Once
	tpchDir  string
	tpchTemp bool
	tpchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tpchTemp {
		os.RemoveAll(tpchDir)
	}
	os.Exit(code)
}

func tpchData(t testing.TB) string {
	t.Helper()
	tpchOnce.Do(func() {
		if dir := os.Getenv("ALOFT_WIRE_TPCH_DIR"); dir != "" {
			tpchDir = dir
			return
		}
		dir, err := os.MkdirTemp("", "aloft-wire-test-")
		if err != nil {
			tpchErr = err
			return
		}
		tpchDir, tpchTemp = dir, true
		start := time.Now()
		tpchErr = datagen.Generate(context.Background(), datagen.Options{
			ScaleFactor: 0.01, OutDir: dir, RowGroupRows: testRowGroupRows,
		})
		if tpchErr == nil {
			fmt.Fprintf(os.Stderr, "wire tests: generated TPC-H SF 0.01 in %s\n", time.Since(start).Round(time.Millisecond))
		}
	})
	if tpchErr != nil {
		t.Fatalf("TPC-H data: %v", tpchErr)
	}
	return tpchDir
}

var (
	engOnce sync.Once
	eng     *engine.Engine
	engErr  error
)

func tpchEngine(t testing.TB) *engine.Engine {
	t.Helper()
	dir := tpchData(t)
	engOnce.Do(func() {
		eng = engine.New(engine.Options{Partitions: testPartitions})
		engErr = eng.RegisterDirectory(dir)
	})
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}

// tpchPlan returns the physical plan of TPC-H query n.
func tpchPlan(t testing.TB, n int) exec.Exec {
	t.Helper()
	q, err := tpch.Query(n)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := tpchEngine(t).PhysicalPlan(context.Background(), q)
	if err != nil {
		t.Fatalf("Q%d: %v", n, err)
	}
	return plan
}

// envFor decodes with the splits of plan's scans and a table cache, so that
// nothing is read from disk but row groups.
func envFor(plan exec.Exec) DecodeEnv {
	scans := Scans(plan)
	tables := map[string]catalog.Table{}
	for _, s := range scans {
		tables[s.TableName()] = s.Table()
	}
	return DecodeEnv{
		OpenTable: func(name, location, format string) (catalog.Table, error) {
			if t, ok := tables[name]; ok {
				return t, nil
			}
			return nil, fmt.Errorf("no table %q", name)
		},
		Splits: func(id int) ([]catalog.Split, error) {
			if id < 0 || id >= len(scans) {
				return nil, fmt.Errorf("no scan %d", id)
			}
			return scans[id].Splits(), nil
		},
	}
}

// rowsOf runs a plan and returns its rows as text, sorted unless ordered.
func rowsOf(t testing.TB, plan exec.Exec, ordered bool) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches, err := exec.Collect(exec.NewTaskContext(ctx, 0), plan)
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	var out []string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, b.NumCols())
			for c := range row {
				row[c] = logical.FormatPlain(expr.ScalarValue(b.Column(c), r), b.Column(c).DataType())
			}
			out = append(out, strings.Join(row, "|"))
		}
	}
	if !ordered {
		sort.Strings(out)
	}
	return out
}
