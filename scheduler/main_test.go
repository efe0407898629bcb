package scheduler

import (
	"context"
	"github.com/aloftdb/aloft/internal/resultrows"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	gen "github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/executor"
)

// TPC-H SF 0.01 with small row groups, so that plans have exchanges. Set
// ALOFT_SCHED_TEST_DATA to a directory to generate there once and reuse.
const (
	testScaleFactor  = 0.01
	testRowGroupRows = 4096
	testPartitions   = 4
	testSecret       = "test-cluster-secret"
)

var (
	dataOnce sync.Once
	dataDir  string
	dataTemp bool
	dataErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if dataTemp {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

var tables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

func tpchData(t testing.TB) string {
	t.Helper()
	dataOnce.Do(func() {
		dir := os.Getenv("ALOFT_SCHED_TEST_DATA")
		if dir == "" {
			if dir, dataErr = os.MkdirTemp("", "aloft-sched-test-"); dataErr != nil {
				return
			}
			dataTemp = true
		}
		dataDir = dir
		complete := true
		for _, table := range tables {
			if _, err := os.Stat(filepath.Join(dir, table+".parquet")); err != nil {
				complete = false
			}
		}
		if !complete {
			dataErr = gen.Generate(context.Background(), gen.Options{ScaleFactor: testScaleFactor, OutDir: dir, RowGroupRows: testRowGroupRows})
		}
	})
	if dataErr != nil {
		t.Fatalf("TPC-H data: %v", dataErr)
	}
	return dataDir
}

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Options{Partitions: testPartitions})
	if err := e.RegisterDirectory(tpchData(t)); err != nil {
		t.Fatal(err)
	}
	return e
}

// cluster starts n executors on localhost:0.
func cluster(t testing.TB, n int) ([]*executor.Executor, []Endpoint) {
	t.Helper()
	var execs []*executor.Executor
	var eps []Endpoint
	for i := range n {
		ex, err := executor.New(executor.Config{WorkDir: t.TempDir(), MemoryLimit: 64 << 20, Secret: testSecret, Cores: 2})
		if err != nil {
			t.Fatalf("executor %d: %v", i, err)
		}
		t.Cleanup(func() { ex.Close() })
		execs = append(execs, ex)
		eps = append(eps, Endpoint{Addr: ex.Addr(), Cores: ex.Cores()})
	}
	return execs, eps
}

func query(t testing.TB, n int) string {
	t.Helper()
	q, err := tpch.Query(n)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func graphOf(t testing.TB, e *engine.Engine, sqlText string) *distplan.Graph {
	t.Helper()
	plan, err := e.PhysicalPlan(context.Background(), sqlText)
	if err != nil {
		t.Fatal(err)
	}
	g, err := distplan.Cut(plan)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// local runs a query in one process: the expected rows.
func local(t testing.TB, e *engine.Engine, sqlText string) [][]string {
	t.Helper()
	res, err := e.Execute(context.Background(), sqlText)
	if err != nil {
		t.Fatal(err)
	}
	return resultrows.Of(res.Batches)
}

func release(batches []arrow.RecordBatch) {
	for _, b := range batches {
		b.Release()
	}
}

// checkRows compares a distributed result with the local one (TPC-H
// orders every result, but ties may come in any order).
func checkRows(t testing.TB, got, want [][]string) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("the engine returned no rows: the query checks nothing")
	}
	if resultrows.EqualAnyOrder(got, want) {
		return
	}
	t.Errorf("distributed result differs: %d rows, want %d\n--- got\n%s--- want\n%s", len(got), len(want), resultrows.Table(got), resultrows.Table(want))
}

func timeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
