package e2e

import (
	"context"
	"github.com/aloftdb/aloft/internal/resultrows"
	"os"
	"path/filepath"
	"strings"
	"testing"

	benchtpch "github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/engine"
)

// TestCrossCheckDuckDB runs the analytical query corpus in e2e/crosscheck
// (joins of every kind, subqueries, CTEs, aggregates, string and date
// functions, LIMIT/OFFSET) over TPC-H SF 0.01 and compares each result with
// the answer an independent engine (DuckDB 1.5, with MySQL's NULL ordering)
// gave on the same data. The generator reproduces SF 0.01 exactly, so the
// checked-in answers stay valid. ALOFT_CROSSCHECK_DATA reuses generated data.
func TestCrossCheckDuckDB(t *testing.T) {
	queries, err := filepath.Glob("crosscheck/queries/*.sql")
	if err != nil || len(queries) == 0 {
		t.Fatalf("no cross-check queries found: %v", err)
	}
	dir := os.Getenv("ALOFT_CROSSCHECK_DATA")
	if dir == "" {
		dir = t.TempDir()
		if err := tpch.Generate(context.Background(), tpch.Options{ScaleFactor: 0.01, OutDir: dir}); err != nil {
			t.Fatalf("generate SF 0.01: %v", err)
		}
	}
	eng := engine.New(engine.Options{})
	if err := eng.RegisterDirectory(dir); err != nil {
		t.Fatal(err)
	}
	for _, path := range queries {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := eng.Execute(context.Background(), string(text))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := readCSV(t, filepath.Join("crosscheck", "answers-sf001", name+".csv"))
			if err := benchtpch.CompareCSV(resultrows.Of(res.Batches), want[1:]); err != nil {
				t.Errorf("%s: %v\nquery:\n%s", name, err, text)
			}
		})
	}
}
