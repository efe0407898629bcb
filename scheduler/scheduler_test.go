package scheduler

import (
	"context"
	"errors"
	"fmt"
	"github.com/aloftdb/aloft/internal/resultrows"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/benchmarks/tpch"
	"github.com/aloftdb/aloft/shuffle"
)

// TestTPCH runs the 22 TPC-H queries on 3 executors over Flight and
// compares with the single-process engine.
func TestTPCH(t *testing.T) {
	e := newEngine(t)
	execs, eps := cluster(t, 3)
	for n := 1; n <= tpch.NumQueries; n++ {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
			sqlText := query(t, n)
			want := local(t, e, sqlText)
			g := graphOf(t, e, sqlText)
			batches, schema, err := Run(timeout(t), g, eps, testSecret, Options{QueryID: fmt.Sprintf("tpch-q%02d", n)})
			if err != nil {
				t.Fatalf("%v\n%s", err, g.Format())
			}
			defer release(batches)
			if !schema.Equal(g.Stage(g.Final).Plan.Schema()) {
				t.Errorf("schema %s", schema)
			}
			checkRows(t, resultrows.Of(batches), want)
		})
	}
	served := 0
	for i, ex := range execs {
		st := ex.Store().Stats()
		t.Logf("executor %d: written %d, served %d, local %d bytes; holding %d map outputs", i, st.BytesWritten, st.BytesServed, st.BytesReadLocal, st.MapOutputs)
		if st.BytesServed > 0 {
			served++
		}
		if st.MapOutputs != 0 {
			t.Errorf("executor %d still holds %d map outputs after the queries", i, st.MapOutputs)
		}
	}
	if served < 2 {
		t.Errorf("only %d executors served shuffle bytes over Flight", served)
	}
}

// TestWrongSecret: an executor refuses a scheduler with another secret.
func TestWrongSecret(t *testing.T) {
	e := newEngine(t)
	_, eps := cluster(t, 1)
	g := graphOf(t, e, query(t, 6))
	_, _, err := Run(timeout(t), g, eps, "wrong-secret", Options{})
	if status.Code(errors.Unwrap(err)) != codes.Unauthenticated && !containsCode(err, codes.Unauthenticated) {
		t.Fatalf("got %v, want Unauthenticated", err)
	}
}

func containsCode(err error, c codes.Code) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if status.Code(err) == c {
			return true
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				if containsCode(e, c) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// TestDroppedOutputRecomputed: map outputs dropped before their consumer
// runs make its tasks fail to fetch; the scheduler re-runs the lost map
// tasks and the answer is right.
func TestDroppedOutputRecomputed(t *testing.T) {
	e := newEngine(t)
	execs, eps := cluster(t, 3)
	for _, n := range []int{3, 9, 18} {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
			sqlText := query(t, n)
			want := local(t, e, sqlText)
			g := graphOf(t, e, sqlText)
			qid := fmt.Sprintf("drop-q%02d", n)
			var dropped atomic.Int64
			before := func(stageID int) {
				// Before every consumer stage, drop every output of its
				// inputs that executor 0 holds.
				for _, in := range g.Stage(stageID).Inputs {
					for task := range g.Stage(in).Partitions {
						id := shuffle.MapOutputID{Query: qid, Stage: in, MapTask: task}
						if execs[0].Store().Has(id) {
							execs[0].Store().Drop(id)
							dropped.Add(1)
						}
					}
				}
			}
			batches, _, err := Run(timeout(t), g, eps, testSecret, Options{QueryID: qid, BeforeStage: before, MaxFetchFailures: 16})
			if err != nil {
				t.Fatal(err)
			}
			defer release(batches)
			if dropped.Load() == 0 {
				t.Fatal("dropped nothing: the test checks nothing")
			}
			t.Logf("dropped %d map outputs", dropped.Load())
			checkRows(t, resultrows.Of(batches), want)
		})
	}
}

// TestExecutorKilled: an executor stopped after the first stages finish
// loses its outputs and its running work; the query still gets the right
// answer on the others.
func TestExecutorKilled(t *testing.T) {
	e := newEngine(t)
	execs, eps := cluster(t, 3)
	sqlText := query(t, 9)
	want := local(t, e, sqlText)
	g := graphOf(t, e, sqlText)
	var once sync.Once
	killed := false
	before := func(stageID int) {
		if len(g.Stage(stageID).Inputs) > 0 {
			once.Do(func() { execs[1].Stop(); killed = true })
		}
	}
	batches, _, err := Run(timeout(t), g, eps, testSecret, Options{QueryID: "killed", BeforeStage: before, MaxFetchFailures: 16})
	if err != nil {
		t.Fatalf("%v\n%s", err, g.Format())
	}
	defer release(batches)
	if !killed {
		t.Fatal("no executor was stopped")
	}
	checkRows(t, resultrows.Of(batches), want)
}

// TestCancel: cancelling the context stops the query with ctx's error,
// promptly, and leaves no shuffle data behind.
func TestCancel(t *testing.T) {
	e := newEngine(t)
	execs, eps := cluster(t, 3)
	g := graphOf(t, e, query(t, 9))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	before := func(stageID int) {
		if len(g.Stage(stageID).Inputs) > 0 {
			once.Do(cancel)
		}
	}
	start := time.Now()
	_, _, err := Run(ctx, g, eps, testSecret, Options{QueryID: "cancelled", BeforeStage: before})
	if !errors.Is(err, context.Canceled) && !containsCode(err, codes.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("cancellation took %s", d)
	}
	for i, ex := range execs {
		if n := ex.Store().Stats().MapOutputs; n != 0 {
			t.Errorf("executor %d holds %d map outputs after the cancelled query", i, n)
		}
	}
}
