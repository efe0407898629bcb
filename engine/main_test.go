package engine

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The engine tests share one TPC-H data set at scale factor 0.01, generated
// once per test binary (the first test that needs it pays ~10 s). The
// generator is deterministic, so the statistics the optimizer sees (row
// counts, min/max) and therefore the plans in the golden files are stable.
// Row groups are small so that the larger tables have several splits and the
// plans show the partitioned operators and exchanges.
//
// To skip the generation when iterating, set ALOFT_ENGINE_TEST_DATA to a
// directory: the data is generated there once (with these settings) and
// reused by later runs.
const (
	testScaleFactor  = 0.01
	testRowGroupRows = 4096
	// testPartitions is fixed so that plans do not depend on the machine.
	testPartitions = 4
)

var (
	tpchOnce sync.Once
	tpchDir  string
	tpchErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if tpchDir != "" {
		os.RemoveAll(tpchDir)
	}
	os.Exit(code)
}

// tpchData returns the directory of the shared SF 0.01 data set.
func tpchData(t testing.TB) string {
	t.Helper()
	tpchOnce.Do(func() {
		if dir := os.Getenv("ALOFT_ENGINE_TEST_DATA"); dir != "" {
			tpchErr = cachedTPCH(dir)
			cachedDir = dir
			return
		}
		dir, err := os.MkdirTemp("", "aloft-engine-test-")
		if err != nil {
			tpchErr = err
			return
		}
		tpchDir = dir
		start := time.Now()
		tpchErr = tpch.Generate(context.Background(), tpch.Options{
			ScaleFactor: testScaleFactor, OutDir: dir, RowGroupRows: testRowGroupRows,
		})
		if tpchErr == nil {
			fmt.Fprintf(os.Stderr, "engine tests: generated TPC-H SF %v in %s\n", testScaleFactor, time.Since(start).Round(time.Millisecond))
		}
	})
	if tpchErr != nil {
		t.Fatalf("generate TPC-H data: %v", tpchErr)
	}
	if cachedDir != "" {
		return cachedDir
	}
	return tpchDir
}

// cachedDir is ALOFT_ENGINE_TEST_DATA when set (never removed).
var cachedDir string

// cachedTPCH generates the data set into dir unless all eight tables are
// already there.
func cachedTPCH(dir string) error {
	complete := true
	for _, table := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		if _, err := os.Stat(filepath.Join(dir, table+".parquet")); err != nil {
			complete = false
		}
	}
	if complete {
		return nil
	}
	return tpch.Generate(context.Background(), tpch.Options{
		ScaleFactor: testScaleFactor, OutDir: dir, RowGroupRows: testRowGroupRows,
	})
}

// newTPCHEngine returns an engine with the TPC-H tables registered.
func newTPCHEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	if opts.Partitions == 0 {
		opts.Partitions = testPartitions
	}
	e := New(opts)
	if err := e.RegisterDirectory(tpchData(t)); err != nil {
		t.Fatal(err)
	}
	return e
}

// run executes SQL and fails the test on error.
func run(t testing.TB, e *Engine, sqlText string) *Result {
	t.Helper()
	res, err := e.Execute(context.Background(), sqlText)
	if err != nil {
		t.Fatalf("%s: %v", oneLine(sqlText), err)
	}
	return res
}

// rows executes SQL and returns its rows as text (NULL as "NULL").
func rows(t testing.TB, e *Engine, sqlText string) [][]string {
	t.Helper()
	return resultRows(run(t, e, sqlText))
}

// resultRows renders a result's rows as the CLI's CSV output does.
func resultRows(res *Result) [][]string {
	out := [][]string{}
	for _, b := range res.Batches {
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, b.NumCols())
			for c := 0; c < int(b.NumCols()); c++ {
				row[c] = logical.FormatPlain(expr.ScalarValue(b.Column(c), r), b.Column(c).DataType())
			}
			out = append(out, row)
		}
	}
	return out
}

// table prints rows one a line, fields separated by "|".
func table(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}

// wantError runs SQL and checks that it fails with an error containing every
// one of the fragments.
func wantError(t testing.TB, e *Engine, sqlText string, fragments ...string) error {
	t.Helper()
	res, err := e.Execute(context.Background(), sqlText)
	if err == nil {
		t.Fatalf("%s: no error, got %d rows %q", oneLine(sqlText), res.NumRows(), table(resultRows(res)))
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%s:\nerror %q\ndoes not contain %q", oneLine(sqlText), err, f)
		}
	}
	return err
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
