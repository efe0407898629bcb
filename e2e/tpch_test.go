// Package e2e runs whole queries through the engine, from SQL text to
// answers, over real Parquet files written by the TPC-H generator.
package e2e

import (
	"context"
	"encoding/csv"
	"fmt"
	"github.com/aloftdb/aloft/internal/resultrows"
	"os"
	"path/filepath"
	"testing"
	"time"

	benchtpch "github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/datagen/tpch"
	"github.com/aloftdb/aloft/engine"
)

const sharedTPCH = "../../shared/tpch"

// TestTPCHSF1 checks all 22 TPC-H answers at scale factor 1 against the
// reference answers. It generates the data (about a minute) unless
// ALOFT_TPCH_DATA names a directory that already holds it. It runs when
// ALOFT_TPCH_SF1=1, as CI does.
func TestTPCHSF1(t *testing.T) {
	if os.Getenv("ALOFT_TPCH_SF1") != "1" {
		t.Skip("set ALOFT_TPCH_SF1=1 to run the TPC-H SF1 answer check")
	}
	if _, err := os.Stat(filepath.Join(sharedTPCH, "answers-sf1")); err != nil {
		t.Skipf("reference answers not found: %v", err)
	}
	dir := os.Getenv("ALOFT_TPCH_DATA")
	if dir == "" {
		dir = t.TempDir()
		start := time.Now()
		if err := tpch.Generate(context.Background(), tpch.Options{ScaleFactor: 1, OutDir: dir}); err != nil {
			t.Fatalf("generate SF1: %v", err)
		}
		t.Logf("generated SF1 in %s", time.Since(start).Round(time.Millisecond))
	}
	eng := engine.New(engine.Options{})
	if err := eng.RegisterDirectory(dir); err != nil {
		t.Fatal(err)
	}
	var total time.Duration
	for q := 1; q <= 22; q++ {
		name := fmt.Sprintf("q%02d", q)
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(sharedTPCH, "queries", name+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := eng.Execute(context.Background(), string(text))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			elapsed := time.Since(start)
			total += elapsed
			t.Logf("%s: %d rows in %s", name, res.NumRows(), elapsed.Round(time.Millisecond))
			want := readCSV(t, filepath.Join(sharedTPCH, "answers-sf1", name+".csv"))
			if err := benchtpch.CompareCSV(resultrows.Of(res.Batches), want[1:]); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
	}
	t.Logf("total of the 22 queries: %s", total.Round(time.Millisecond))
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
