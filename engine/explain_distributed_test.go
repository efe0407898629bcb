package engine

import (
	"strings"
	"testing"

	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/exec"
)

// EXPLAIN DISTRIBUTED adds the plan cut into stages, exactly as distplan
// cuts the physical plan (distplan's own golden files pin the stage layout
// of every TPC-H query), one row a node.
func TestExplainDistributed(t *testing.T) {
	tpchData(t)
	e := newTPCHEngine(t, Options{StagePlan: func(p exec.Exec) (string, error) {
		g, err := distplan.Cut(p)
		if err != nil {
			return "", err
		}
		return g.Format(), nil
	}})
	q := "SELECT n_name, count(*) FROM nation JOIN supplier ON s_nationkey = n_nationkey GROUP BY n_name ORDER BY 2 DESC LIMIT 3"
	text := explainText(t, e, "EXPLAIN DISTRIBUTED", q)
	var stages []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		kind, plan, _ := strings.Cut(line, " ")
		if kind == "distributed" {
			stages = append(stages, strings.TrimSpace(plan))
		}
	}
	phys, err := e.PhysicalPlan(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	g, err := distplan.Cut(phys)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(strings.TrimRight(g.Format(), "\n"), "\n") {
		want = append(want, strings.TrimSpace(line))
	}
	if strings.Join(stages, "\n") != strings.Join(want, "\n") {
		t.Fatalf("EXPLAIN DISTRIBUTED rows:\n%s\nwant:\n%s", strings.Join(stages, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(stages[0], "Stage 1 ") || !strings.Contains(text, "output=final") {
		t.Fatalf("expected stages ending in the final one:\n%s", text)
	}
	// Without a stage planner the engine says so instead of guessing.
	if _, err := New(Options{}).Execute(t.Context(), "EXPLAIN DISTRIBUTED SELECT 1"); err == nil || !strings.Contains(err.Error(), "no distributed planner") {
		t.Fatalf("EXPLAIN DISTRIBUTED without a planner: %v", err)
	}
	// Plain EXPLAIN has no distributed rows.
	if strings.Contains(explainText(t, e, "EXPLAIN", q), "distributed") {
		t.Fatal("plain EXPLAIN printed the stages")
	}
}
