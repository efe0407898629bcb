package distplan

import (
	"context"
	"fmt"
	"github.com/aloftdb/aloft/internal/resultrows"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/shuffle"
)

// localAddr is the address of the in-process "executor": the fetcher reads
// locations with this address from its own store, without gRPC.
const localAddr = "local"

// runStages runs a graph in one process: the stages in order, every task of
// a stage as its own execution (its own TaskContext, one partition), map
// tasks writing into store as an executor would, and returns the final
// stage's batches.
func runStages(ctx context.Context, g *Graph, store *shuffle.Store, queryID string) ([]arrow.RecordBatch, error) {
	fetcher := shuffle.NewFetcher("", localAddr, store)
	defer fetcher.Close()
	locations := func(stageID, partition int) []shuffle.Location {
		s := g.Stage(stageID)
		out := make([]shuffle.Location, s.Partitions)
		for task := range out {
			out[task] = shuffle.Location{Addr: localAddr, ID: shuffle.PartitionID{Query: queryID, Stage: stageID, MapTask: task, Partition: partition}}
		}
		return out
	}
	for _, s := range g.Stages {
		plan, err := Resolve(s, locations, fetcher)
		if err != nil {
			return nil, err
		}
		if s.ID == g.Final {
			tctx, cancel := context.WithCancel(ctx)
			batches, err := exec.Collect(exec.NewTaskContext(tctx, 0), plan)
			cancel()
			return batches, err
		}
		errs := make([]error, s.Partitions)
		var wg sync.WaitGroup
		for task := range s.Partitions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[task] = runMapTask(ctx, s, plan, task, store, queryID)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("no final stage")
}

// runMapTask runs partition task of a stage and writes its map output.
func runMapTask(ctx context.Context, s *Stage, plan exec.Exec, task int, store *shuffle.Store, queryID string) error {
	// Cancelling the task's context at its end frees the state its
	// operators share across partitions (only one partition runs here).
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tc := exec.NewTaskContext(tctx, 0)
	stream, err := plan.Execute(tc, task)
	if err != nil {
		return err
	}
	defer stream.Close()
	id := shuffle.MapOutputID{Query: queryID, Stage: s.ID, MapTask: task}
	w, err := store.NewWriter(id, s.Output.Partitions(), plan.Schema())
	if err != nil {
		return err
	}
	var keys []expr.Expr
	if s.Output.Kind == OutputHash {
		keys = s.Output.Keys
	}
	if _, err := shuffle.WriteMapOutput(tc, stream, keys, s.Output.Partitions(), w); err != nil {
		w.Abort()
		return fmt.Errorf("stage %d task %d: %w", s.ID, task, err)
	}
	_, err = w.Commit()
	return err
}

// TestRunStagesTPCH proves the cut correct without a network: the 22 TPC-H
// queries run stage by stage through a shuffle store give the rows of the
// single-process engine. It runs with the golden tests' 4 partitions and an
// in-memory store, and with 3 partitions and a store that keeps everything
// on disk.
func TestRunStagesTPCH(t *testing.T) {
	for _, c := range []struct {
		partitions int
		memory     int64
	}{{testPartitions, 64 << 20}, {3, 0}} {
		t.Run(fmt.Sprintf("partitions=%d,memory=%d", c.partitions, c.memory), func(t *testing.T) {
			runTPCH(t, c.partitions, c.memory)
		})
	}
}

func runTPCH(t *testing.T, partitions int, memoryLimit int64) {
	e := newEngineWith(t, partitions)
	store, err := shuffle.NewStore(t.TempDir(), memoryLimit)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	for n := 1; n <= tpch.NumQueries; n++ {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
			sqlText := query(t, n)
			res, err := e.Execute(ctx, sqlText)
			if err != nil {
				t.Fatal(err)
			}
			want := resultrows.Of(res.Batches)
			g, err := Cut(physicalPlan(t, e, n))
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Stages) < 2 {
				t.Fatalf("only %d stage: nothing crosses a shuffle\n%s", len(g.Stages), g.Format())
			}
			queryID := fmt.Sprintf("q%02d", n)
			defer store.DropQuery(queryID)
			before := store.Stats()
			batches, err := runStages(ctx, g, store, queryID)
			if err != nil {
				t.Fatalf("%v\n%s", err, g.Format())
			}
			after := store.Stats()
			if after.BytesWritten == before.BytesWritten || after.BytesReadLocal == before.BytesReadLocal {
				t.Errorf("no shuffle traffic: written %d, read %d bytes", after.BytesWritten-before.BytesWritten, after.BytesReadLocal-before.BytesReadLocal)
			}
			if memoryLimit <= 0 && after.Spills == before.Spills {
				t.Errorf("a disk-only store spilled nothing")
			}
			got := resultrows.Of(batches)
			if len(want) == 0 {
				t.Errorf("the engine returned no rows: the query checks nothing")
			}
			if resultrows.Equal(got, want) {
				return
			}
			if resultrows.EqualAnyOrder(got, want) {
				// TPC-H orders every result, but ties may come in any order.
				t.Logf("same rows, different order among ties")
				return
			}
			t.Errorf("distributed result differs: %d rows, want %d\n--- got\n%s--- want\n%s\n%s", len(got), len(want), resultrows.Table(got), resultrows.Table(want), g.Format())
		})
	}
}
