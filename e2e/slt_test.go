package e2e

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/slt"
)

var updateSLTBaseline = flag.Bool("update-baseline", false, "raise slt/baseline.json to the current sqllogictest pass rates (it never goes down)")

// sltCorpus is the sqllogictest corpus with MySQL 8 answers, next to the
// repository.
const sltCorpus = "../../shared/slt"

const sltBaseline = "../slt/baseline.json"

// TestSQLLogicTest runs every *.test file under ../../shared/slt on a fresh
// in-process engine per file, logs each file's pass rate, and fails when a
// file's rate is below slt/baseline.json. With -update-baseline it raises
// the baseline instead.
func TestSQLLogicTest(t *testing.T) {
	if _, err := os.Stat(sltCorpus); err != nil {
		t.Skipf("sqllogictest corpus %s not found", sltCorpus)
	}
	files, err := slt.CollectFiles([]string{sltCorpus})
	if err != nil {
		t.Fatal(err)
	}
	base, err := slt.LoadBaseline(sltBaseline)
	if err != nil {
		t.Fatal(err)
	}
	opts := engine.Options{Partitions: 2}
	results := make([]*slt.FileResult, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.NumCPU()/2))
	start := time.Now()
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = slt.RunFile(slt.NewEngineHarness(opts), f, slt.Options{RecordTimeout: 30 * time.Second, MaxFailures: 3})
		}()
	}
	wg.Wait()
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return files[order[a]] < files[order[b]] })
	var total slt.FileResult
	for _, i := range order {
		if errs[i] != nil {
			t.Errorf("%s: %v", files[i], errs[i])
			continue
		}
		r := results[i]
		name, err := filepath.Rel(sltCorpus, files[i])
		if err != nil {
			name = files[i]
		}
		name = filepath.ToSlash(name)
		t.Logf("%-40s rate %7.3f%%  ok %6d  not ok %5d  skipped %5d  (%.1fs)", name, 100*r.Rate(), r.OK, r.NotOK, r.Skipped, r.Elapsed.Seconds())
		for _, f := range r.Failures {
			t.Logf("    line %d: %s", f.Line, f.Message)
		}
		total.OK += r.OK
		total.NotOK += r.NotOK
		total.Skipped += r.Skipped
		if *updateSLTBaseline {
			base.Raise(name, r)
		} else if err := base.Check(name, r); err != nil {
			t.Error(err)
		}
	}
	t.Logf("%-40s rate %7.3f%%  ok %6d  not ok %5d  skipped %5d  (%.1fs wall)", "total", 100*total.Rate(), total.OK, total.NotOK, total.Skipped, time.Since(start).Seconds())
	if *updateSLTBaseline {
		if err := base.Save(sltBaseline); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", sltBaseline)
	}
}
