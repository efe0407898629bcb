package distplan

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	gen "github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/exec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The tests plan and run the 22 TPC-H queries on SF 0.01, generated once per
// test binary with small row groups (as the engine tests do), so that the
// larger tables have several splits and the plans have exchanges to cut.
// The generator is deterministic, so the golden plans are stable. Set
// ALOFT_DISTPLAN_TEST_DATA to a directory to generate there once and reuse.
const (
	testScaleFactor  = 0.01
	testRowGroupRows = 4096
	// testPartitions is fixed so that plans do not depend on the machine.
	testPartitions = 4
)

var (
	dataOnce sync.Once
	dataDir  string
	dataTemp bool
	dataErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
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
		dir := os.Getenv("ALOFT_DISTPLAN_TEST_DATA")
		if dir == "" {
			dir, dataErr = os.MkdirTemp("", "aloft-distplan-test-")
			if dataErr != nil {
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
		if complete {
			return
		}
		start := time.Now()
		dataErr = gen.Generate(context.Background(), gen.Options{
			ScaleFactor: testScaleFactor, OutDir: dir, RowGroupRows: testRowGroupRows,
		})
		if dataErr == nil {
			fmt.Fprintf(os.Stderr, "distplan tests: generated TPC-H SF %v in %s\n", testScaleFactor, time.Since(start).Round(time.Millisecond))
		}
	})
	if dataErr != nil {
		t.Fatalf("TPC-H data: %v", dataErr)
	}
	return dataDir
}

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	return newEngineWith(t, testPartitions)
}

func newEngineWith(t testing.TB, partitions int) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Options{Partitions: partitions})
	if err := e.RegisterDirectory(tpchData(t)); err != nil {
		t.Fatal(err)
	}
	return e
}

func query(t testing.TB, n int) string {
	t.Helper()
	q, err := tpch.Query(n)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// physicalPlan plans TPC-H query n as the engine would run it.
func physicalPlan(t testing.TB, e *engine.Engine, n int) exec.Exec {
	t.Helper()
	plan, err := e.PhysicalPlan(context.Background(), query(t, n))
	if err != nil {
		t.Fatalf("Q%d: plan: %v", n, err)
	}
	return plan
}
