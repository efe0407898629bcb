package distplan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/shuffle"
	"github.com/aloftdb/aloft/wire"
)

// TestGoldenTPCH compares the stages of the 22 TPC-H queries with
// testdata/qNN.golden (rewrite them with -update).
func TestGoldenTPCH(t *testing.T) {
	e := newEngine(t)
	for n := 1; n <= tpch.NumQueries; n++ {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
			g, err := Cut(physicalPlan(t, e, n))
			if err != nil {
				t.Fatal(err)
			}
			got := g.Format()
			path := filepath.Join("testdata", fmt.Sprintf("q%02d.golden", n))
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("stages differ from %s (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// TestCutProperties checks the invariants of the cut on the 22 TPC-H
// queries: numbering, partition counts, one boundary per exchange, inputs
// that match their producers, and plans that survive the wire.
func TestCutProperties(t *testing.T) {
	e := newEngine(t)
	for n := 1; n <= tpch.NumQueries; n++ {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
			plan := physicalPlan(t, e, n)
			g, err := Cut(plan)
			if err != nil {
				t.Fatal(err)
			}
			checkGraph(t, plan, g)
		})
	}
}

func checkGraph(t *testing.T, plan exec.Exec, g *Graph) {
	t.Helper()
	if len(g.Stages) == 0 || g.Final != len(g.Stages) {
		t.Fatalf("final stage %d of %d stages", g.Final, len(g.Stages))
	}
	final := g.Stage(g.Final)
	if final.Partitions != 1 || final.Output.Kind != OutputFinal {
		t.Errorf("final stage: partitions=%d output=%s, want 1 and final", final.Partitions, final.Output)
	}
	// Exchanges of the plan; every one must have become a boundary.
	exchanges := 0
	walk(plan, func(x exec.Exec) {
		switch x.(type) {
		case *exec.RepartitionExec, *exec.CoalesceExec, *exec.SortPreservingMergeExec:
			exchanges++
		}
	})
	broadcasts := 0
	readers := map[int]int{} // stage -> number of StageInputs reading it
	for i, s := range g.Stages {
		if s.ID != i+1 {
			t.Errorf("stage %d at position %d", s.ID, i)
		}
		if s.Partitions != s.Plan.Partitions() {
			t.Errorf("stage %d: partitions=%d, plan has %d", s.ID, s.Partitions, s.Plan.Partitions())
		}
		if s.Output.Kind == OutputFinal && s.ID != g.Final {
			t.Errorf("stage %d: output final but not the final stage", s.ID)
		}
		if s.Output.Kind == OutputBroadcast {
			broadcasts++
		}
		var inputs []int
		walk(s.Plan, func(x exec.Exec) {
			switch x := x.(type) {
			case *exec.RepartitionExec, *exec.CoalesceExec:
				t.Errorf("stage %d still holds an exchange: %s", s.ID, x)
			case *exec.SortPreservingMergeExec:
				in, ok := x.Children()[0].(*StageInput)
				if !ok || in.Mode() != InputSorted {
					t.Errorf("stage %d: %s is not above a sorted StageInput", s.ID, x)
				}
			case *StageInput:
				readers[x.StageID()]++
				inputs = append(inputs, x.StageID())
				if x.StageID() >= s.ID {
					t.Errorf("stage %d reads stage %d, not an earlier one", s.ID, x.StageID())
					return
				}
				checkInput(t, s, x, g.Stage(x.StageID()))
			}
		})
		for _, id := range inputs {
			found := false
			for _, in := range s.Inputs {
				found = found || in == id
			}
			if !found {
				t.Errorf("stage %d reads stage %d, missing from Inputs %v", s.ID, id, s.Inputs)
			}
		}
		if len(s.Inputs) != len(inputs) {
			t.Errorf("stage %d: Inputs %v, StageInputs read %v", s.ID, s.Inputs, inputs)
		}
		checkWire(t, s)
	}
	for _, s := range g.Stages {
		want := 1
		if s.ID == g.Final {
			want = 0
		}
		if readers[s.ID] != want {
			t.Errorf("stage %d is read by %d StageInputs, want %d", s.ID, readers[s.ID], want)
		}
	}
	if got, want := len(g.Stages)-1, exchanges+broadcasts; got != want {
		t.Errorf("%d boundaries for %d exchanges and %d broadcasts", got, exchanges, broadcasts)
	}
}

// checkInput checks that a StageInput matches the stage it reads.
func checkInput(t *testing.T, consumer *Stage, in *StageInput, producer *Stage) {
	t.Helper()
	if in.MapPartitions() != producer.Output.Partitions() {
		t.Errorf("stage %d: %s: producer writes %d partitions per task", consumer.ID, in, producer.Output.Partitions())
	}
	if !in.Schema().Equal(producer.Plan.Schema()) {
		t.Errorf("stage %d: %s: schema %s, producer's %s", consumer.ID, in, in.Schema(), producer.Plan.Schema())
	}
	ok := false
	switch in.Mode() {
	case InputHash:
		ok = producer.Output.Kind == OutputHash && in.Partitions() == producer.Output.N
	case InputSingle:
		ok = producer.Output.Kind == OutputSingle && in.Partitions() == 1
	case InputSorted:
		ok = producer.Output.Kind == OutputSingle && in.Partitions() == producer.Partitions
	case InputBroadcast:
		ok = producer.Output.Kind == OutputBroadcast && in.Partitions() == 1
	}
	if !ok {
		t.Errorf("stage %d: %s does not match stage %d [partitions=%d, output=%s]",
			consumer.ID, in, producer.ID, producer.Partitions, producer.Output)
	}
}

// checkWire round-trips a stage plan through package wire.
func checkWire(t *testing.T, s *Stage) {
	t.Helper()
	data, err := wire.EncodePlan(s.Plan)
	if err != nil {
		t.Errorf("stage %d: encode: %v", s.ID, err)
		return
	}
	scans := wire.Scans(s.Plan)
	back, err := wire.DecodePlan(data, wire.DecodeEnv{
		Splits: func(id int) ([]catalog.Split, error) { return scans[id].Splits(), nil },
	})
	if err != nil {
		t.Errorf("stage %d: decode: %v", s.ID, err)
		return
	}
	if got, want := exec.Format(back), exec.Format(s.Plan); got != want {
		t.Errorf("stage %d: plan changed on the wire:\n%s\nwant\n%s", s.ID, got, want)
	}
}

func TestStageInputWireRejects(t *testing.T) {
	in := NewStageInput(3, nil, InputHash, 4, 4, nil)
	if _, err := wire.EncodePlan(in); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Errorf("nil schema encoded: %v", err)
	}
}

func TestResolveSortedNeedsEveryMapTask(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)
	keys := []exec.SortKey{{Expr: expr.NewColumn(0, "a", arrow.PrimitiveTypes.Int64)}}
	in := NewStageInput(1, schema, InputSorted, 3, 1, keys)
	s := &Stage{ID: 2, Plan: exec.NewSortPreservingMergeExec(in, keys, -1), Partitions: 1, Output: Final(), Inputs: []int{1}}
	fetcher := shuffle.NewFetcher("", "local", nil)
	defer fetcher.Close()
	locs := func(stage, p int) []shuffle.Location {
		return []shuffle.Location{{Addr: "local", ID: shuffle.PartitionID{Query: "q", Stage: stage, MapTask: 2, Partition: p}},
			{Addr: "local", ID: shuffle.PartitionID{Query: "q", Stage: stage, MapTask: 0, Partition: p}}}
	}
	if _, err := Resolve(s, locs, fetcher); err == nil || !strings.Contains(err.Error(), "no location for map task 1") {
		t.Errorf("missing map task: %v", err)
	}
	got, err := Resolve(&Stage{ID: 2, Plan: NewStageInput(1, schema, InputHash, 4, 4, nil), Partitions: 4}, locs, fetcher)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ShuffleReaderExec: stage=1 partitions=4\n"; exec.Format(got) != want {
		t.Errorf("resolved %q, want %q", exec.Format(got), want)
	}
}
