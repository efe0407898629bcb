package exec

import (
	"context"
	"errors"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/exec/expr"
)

func repartTestInput(seed int64, rows, parts int) (*arrow.Schema, *joinTestSource) {
	rng := rand.New(rand.NewSource(seed))
	s, p := joinRandomSide(rng, "", rows, parts, 30)
	return s, &joinTestSource{schema: s, parts: p}
}

func TestRepartitionHashPreservesRowsAndRoutesKeys(t *testing.T) {
	s, src := repartTestInput(11, 2000, 3)
	want := joinCollectRows(t, joinTestCtx(100), src)
	for _, keys := range [][]int{{0}, {0, 1}, {3, 4}} {
		ks := make([]expr.Expr, len(keys))
		for i, k := range keys {
			ks[i] = joinColExpr(s, k)
		}
		for _, n := range []int{1, 2, 5} {
			r := NewRepartitionExec(src, ks, n)
			parts, err := joinRunAll(joinTestCtx(100), r)
			if err != nil {
				t.Fatal(err)
			}
			var all []arrow.RecordBatch
			owner := map[string]int{}
			for p, bs := range parts {
				all = append(all, bs...)
				for _, row := range joinRows(t, s, bs) {
					cells := strings.Split(row, "|")
					var key []string
					for _, k := range keys {
						key = append(key, cells[k])
					}
					id := strings.Join(key, "|")
					if q, ok := owner[id]; ok && q != p {
						t.Fatalf("keys %v n=%d: key %s in partitions %d and %d", keys, n, id, q, p)
					}
					owner[id] = p
				}
			}
			if got := joinRows(t, s, all); !slices.Equal(got, want) {
				t.Fatalf("keys %v n=%d: rows differ (%d vs %d)", keys, n, len(got), len(want))
			}
		}
	}
}

func TestRepartitionRoundRobin(t *testing.T) {
	s, src := repartTestInput(12, 500, 2)
	r := NewRepartitionExec(src, nil, 3)
	if r.String() != "RepartitionExec: round_robin partitions=3" {
		t.Errorf("String() = %q", r.String())
	}
	want := joinCollectRows(t, joinTestCtx(100), src)
	parts, err := joinRunAll(joinTestCtx(100), r)
	if err != nil {
		t.Fatal(err)
	}
	var all []arrow.RecordBatch
	for _, bs := range parts {
		all = append(all, bs...)
	}
	if got := joinRows(t, s, all); !slices.Equal(got, want) {
		t.Fatalf("rows differ")
	}
}

// TestRepartitionSequentialConsumer reads the outputs one after another
// with a tiny soft limit: producers must not deadlock on the unread outputs.
func TestRepartitionSequentialConsumer(t *testing.T) {
	old := repartSoftLimit
	repartSoftLimit = 1
	defer func() { repartSoftLimit = old }()
	s, src := repartTestInput(13, 3000, 3)
	r := NewRepartitionExec(src, []expr.Expr{joinColExpr(s, 0)}, 4)
	ctx := joinTestCtx(100)
	var all []arrow.RecordBatch
	for p := 0; p < r.Partitions(); p++ {
		st, err := r.Execute(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for {
			b, err := st.Next()
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				break
			}
			all = append(all, b)
		}
		st.Close()
	}
	if got, want := joinRows(t, s, all), joinCollectRows(t, joinTestCtx(100), src); !slices.Equal(got, want) {
		t.Fatalf("rows differ")
	}
	if ctx.Memory.Used() != 0 || r.shared.active() != 0 {
		t.Errorf("state not released: %d bytes, %d executions", ctx.Memory.Used(), r.shared.active())
	}
}

func TestRepartitionErrorReachesEveryOutput(t *testing.T) {
	s, src := repartTestInput(14, 1000, 2)
	for len(src.parts[0]) < 3 {
		src.parts[0] = append(src.parts[0], src.parts[1]...)
	}
	src.failAt = 2
	r := NewRepartitionExec(src, []expr.Expr{joinColExpr(s, 0)}, 3)
	_, err := joinRunAll(joinTestCtx(100), r)
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("got %v, want the injected failure", err)
	}
}

func TestRepartitionEarlyCloseAndCancelNoLeak(t *testing.T) {
	before := joinNumGoroutine()
	s, src := repartTestInput(15, 1000, 3)
	src.endless = true
	r := NewRepartitionExec(src, []expr.Expr{joinColExpr(s, 0)}, 2)
	// Early close (a LIMIT above): read one batch per output, then close.
	ctx := joinTestCtx(100)
	for p := 0; p < 2; p++ {
		st, _ := r.Execute(ctx, p)
		if _, err := st.Next(); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	joinWaitGoroutines(t, before)
	if ctx.Memory.Used() != 0 || r.shared.active() != 0 {
		t.Errorf("state not released: %d bytes, %d executions", ctx.Memory.Used(), r.shared.active())
	}
	// Cancellation while consumers read.
	cctx, cancel := context.WithCancel(context.Background())
	ctx = NewTaskContext(cctx, 0)
	done := make(chan error, 1)
	go func() { _, err := joinRunAll(ctx, NewCoalesceExec(r)); done <- err }()
	for ctx.Memory.Peak() == 0 {
		runtime.Gosched() // wait until data flows
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	joinWaitGoroutines(t, before)
}

func TestCoalesce(t *testing.T) {
	s, src := repartTestInput(16, 1000, 4)
	c := NewCoalesceExec(src)
	if c.Partitions() != 1 {
		t.Fatalf("partitions = %d", c.Partitions())
	}
	want := joinCollectRows(t, joinTestCtx(100), src)
	if got := joinCollectRows(t, joinTestCtx(100), c); !slices.Equal(got, want) {
		t.Fatal("rows differ")
	}
	one := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{slices.Concat(src.parts...)}}
	if got := joinCollectRows(t, joinTestCtx(100), NewCoalesceExec(one)); !slices.Equal(got, want) {
		t.Fatal("rows differ for one partition")
	}
	src.failAt = 1
	src.parts[0] = append(src.parts[0], src.parts[1]...)
	if _, err := joinRunAll(joinTestCtx(100), c); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("got %v, want the injected failure", err)
	}
}

func TestCoalesceEarlyCloseNoLeak(t *testing.T) {
	before := joinNumGoroutine()
	_, src := repartTestInput(17, 1000, 3)
	src.endless = true
	st, err := NewCoalesceExec(src).Execute(joinTestCtx(100), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if _, err := st.Next(); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	joinWaitGoroutines(t, before)
}
