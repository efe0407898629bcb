package coordinator

import (
	"context"
	"fmt"
	"github.com/aloftdb/aloft/internal/resultrows"
	"os"
	"testing"
	"time"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	gen "github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/executor"
)

// TPC-H SF 0.01 with small row groups, so that plans have exchanges.
const (
	testScaleFactor  = 0.01
	testRowGroupRows = 4096
	testPartitions   = 4
	testSecret       = "test-cluster-secret"
)

var dataDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aloft-coord-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dataDir = dir
	if err := gen.Generate(context.Background(), gen.Options{ScaleFactor: testScaleFactor, OutDir: dir, RowGroupRows: testRowGroupRows}); err != nil {
		fmt.Fprintln(os.Stderr, "TPC-H data:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Options{Partitions: testPartitions})
	if err := e.RegisterDirectory(dataDir); err != nil {
		t.Fatal(err)
	}
	return e
}

// testCluster is a coordinator and executors registered with it, each
// heartbeating until its stop function is called.
type testCluster struct {
	coord *Coordinator
	execs []*executor.Executor
	stops []context.CancelFunc
	done  []chan error
}

func startCluster(t testing.TB, n int, cfg Config) *testCluster {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = testSecret
	}
	if cfg.HeartbeatInterval == 0 {
		cfg.HeartbeatInterval = 50 * time.Millisecond
	}
	if cfg.HeartbeatTimeout == 0 {
		cfg.HeartbeatTimeout = 2 * time.Second
	}
	cfg.Logf = t.Logf
	coord, err := New(cfg, newEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCluster{coord: coord}
	t.Cleanup(func() {
		for _, stop := range tc.stops {
			stop()
		}
		for _, d := range tc.done {
			<-d
		}
		coord.Close()
	})
	for i := range n {
		ex, err := executor.New(executor.Config{WorkDir: t.TempDir(), MemoryLimit: 64 << 20, Secret: testSecret, Cores: 2})
		if err != nil {
			t.Fatalf("executor %d: %v", i, err)
		}
		t.Cleanup(func() { ex.Close() })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- ex.RegisterWith(ctx, coord.Addr(), testSecret, 0) }()
		tc.execs = append(tc.execs, ex)
		tc.stops = append(tc.stops, cancel)
		tc.done = append(tc.done, done)
	}
	waitFor(t, func() bool { return len(coord.Executors()) == n }, fmt.Sprintf("%d executors registered", n))
	return tc
}

func waitFor(t testing.TB, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func query(t testing.TB, n int) string {
	t.Helper()
	q, err := tpch.Query(n)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func timeout(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
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

func release(res *engine.Result) {
	for _, b := range res.Batches {
		b.Release()
	}
}

// checkRows compares a distributed result with the local one (ties in
// ORDER BY may come in any order).
func checkRows(t testing.TB, got, want [][]string) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("the engine returned no rows: the query checks nothing")
	}
	if resultrows.EqualAnyOrder(got, want) {
		return
	}
	t.Errorf("distributed result differs: %d rows, want %d", len(got), len(want))
}

// runAndCheck runs TPC-H query n through the coordinator and compares.
func runAndCheck(t testing.TB, c *Coordinator, n int) {
	t.Helper()
	sqlText := query(t, n)
	want := local(t, c.Engine(), sqlText)
	res, err := c.Query(timeout(t), sqlText)
	if err != nil {
		t.Fatalf("q%02d: %v", n, err)
	}
	defer release(res)
	checkRows(t, resultrows.Of(res.Batches), want)
}
