package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	benchtpch "github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/sql"
)

// explainDir holds the golden EXPLAIN tests: NAME.sql is a script whose last
// statement is a query (the statements before it, such as CREATE EXTERNAL
// TABLE, run first), NAME.golden the rows of EXPLAIN of that query. The 22
// TPC-H queries come from benchmarks/tpch/queries and have no .sql file.
// Rewrite the golden files with
//
//	go test ./engine -run Explain -update
const explainDir = "testdata/explain"

type explainCase struct {
	name  string
	setup []string // statements run before the query
	query string
}

func explainCases(t *testing.T) []explainCase {
	t.Helper()
	var cases []explainCase
	for n := 1; n <= benchtpch.NumQueries; n++ {
		text, err := benchtpch.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, explainCase{name: fmt.Sprintf("tpch_q%02d", n), query: text})
	}
	files, err := filepath.Glob(filepath.Join(explainDir, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stmts, rest := sql.SplitStatements(string(data))
		if rest != "" {
			stmts = append(stmts, rest)
		}
		if len(stmts) == 0 {
			t.Fatalf("%s: no statement", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		cases = append(cases, explainCase{name: name, setup: stmts[:len(stmts)-1], query: stmts[len(stmts)-1]})
	}
	if len(cases) < benchtpch.NumQueries+10 {
		t.Fatalf("found %d EXPLAIN cases, want the 22 TPC-H queries and at least 10 of %s", len(cases), explainDir)
	}
	return cases
}

// explainText runs EXPLAIN and renders its rows as "plan_type  plan" lines.
func explainText(t *testing.T, e *Engine, prefix, query string) string {
	t.Helper()
	res := run(t, e, prefix+" "+query)
	var b strings.Builder
	for _, r := range resultRows(res) {
		if len(r) != 2 {
			t.Fatalf("EXPLAIN row %q: want 2 columns (plan_type, plan)", r)
		}
		fmt.Fprintf(&b, "%-9s %s\n", r[0], r[1])
	}
	return b.String()
}

// TestExplainGolden compares EXPLAIN output with the golden files. Each plan
// is printed three times (by separate plannings) and must come out the same
// every time: plan printing may not depend on map iteration order.
func TestExplainGolden(t *testing.T) {
	tpchData(t)
	seen := map[string]bool{}
	for _, c := range explainCases(t) {
		seen[c.name+".golden"] = true
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newTPCHEngine(t, Options{})
			for _, s := range c.setup {
				run(t, e, s)
			}
			got := explainText(t, e, "EXPLAIN", c.query)
			for i := 0; i < 2; i++ {
				if again := explainText(t, e, "EXPLAIN", c.query); again != got {
					t.Fatalf("EXPLAIN is not deterministic:\n--- first\n%s--- again\n%s", got, again)
				}
			}
			if !strings.Contains(got, "\nphysical ") {
				t.Fatalf("EXPLAIN has no physical plan:\n%s", got)
			}
			path := filepath.Join(explainDir, c.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./engine -run Explain -update)", err)
			}
			if got != string(want) {
				t.Errorf("EXPLAIN differs from %s (rerun with -update if intended):\n%s", path, lineDiff(string(want), got))
			}
		})
	}
	if *update {
		return
	}
	// A golden file without a query is a leftover of a renamed or removed case.
	goldens, _ := filepath.Glob(filepath.Join(explainDir, "*.golden"))
	for _, g := range goldens {
		if !seen[filepath.Base(g)] {
			t.Errorf("%s has no query (remove it)", g)
		}
	}
}

// lineDiff shows the lines of want and got that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

// TestExplainPlansRun checks that every golden query also runs: a plan that
// prints well but fails to execute is no good golden file.
func TestExplainPlansRun(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	tpchData(t)
	for _, c := range explainCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newTPCHEngine(t, Options{})
			for _, s := range c.setup {
				run(t, e, s)
			}
			if _, err := e.Execute(context.Background(), c.query); err != nil {
				t.Fatalf("query fails: %v", err)
			}
			if used := e.memory.Used(); used != 0 {
				t.Errorf("memory pool holds %d bytes after the query (a reservation was not freed)", used)
			}
		})
	}
}

// TestPlanNodesPrintOneLine: every logical node (after binding and after
// every rule) and every physical operator of the golden queries prints as
// one non-empty line, so EXPLAIN shows one row a node.
func TestPlanNodesPrintOneLine(t *testing.T) {
	tpchData(t)
	for _, c := range explainCases(t) {
		t.Run(c.name, func(t *testing.T) {
			e := newTPCHEngine(t, Options{})
			for _, s := range c.setup {
				run(t, e, s)
			}
			stmts, err := sql.Parse(c.query)
			if err != nil {
				t.Fatal(err)
			}
			check := func(stage, line string) {
				if strings.TrimSpace(line) == "" || strings.ContainsAny(line, "\n\r") {
					t.Errorf("%s: node prints as %q", stage, line)
				}
			}
			var walkLogical func(stage string, plan logical.Node)
			walkLogical = func(stage string, plan logical.Node) {
				logical.WalkPlan(plan, func(n logical.Node) {
					check(stage, n.String())
					for _, x := range logical.NodeExprs(n) {
						logical.Walk(x, func(x logical.Expr) bool {
							if sq, ok := x.(*logical.SubqueryExpr); ok {
								walkLogical(stage, sq.Plan)
							}
							return true
						})
					}
				})
			}
			trace := func(stage string, plan logical.Node) { walkLogical(stage, plan) }
			phys, err := e.planQuery(context.Background(), stmts[0].(*sql.Query), trace)
			if err != nil {
				t.Fatal(err)
			}
			var walk func(x exec.Exec)
			walk = func(x exec.Exec) {
				check("physical", x.String())
				for _, k := range x.Children() {
					walk(k)
				}
			}
			walk(phys)
		})
	}
}
