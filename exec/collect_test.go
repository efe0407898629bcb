package exec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/logical"
)

func TestCollectError(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	boom := &testExpr{name: "boom", typ: arrow.FixedWidthTypes.Boolean, fn: func(arrow.RecordBatch) (arrow.Array, error) {
		return nil, errors.New("boom")
	}}
	src := newTestSource(s, testIntBatches(s, 2), testIntBatches(s, 2, 2))
	_, err := Collect(testCtx(), NewFilterExec(src, boom))
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancellation(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	src := newTestSource(s, testIntBatches(s, 5, 5), testIntBatches(s, 5))
	keys := []SortKey{{Expr: col(s, "a")}}
	aggE := mustAgg(t, src, AggSingle, nil, nil, []AggregateSpec{agg(logical.AggCountStar, nil, tInt, "c")})
	plans := []Exec{
		NewFilterExec(src, testGreater(0, 1)),
		NewSortExec(src, keys, -1),
		NewSortPreservingMergeExec(NewSortExec(src, keys, -1), keys, -1),
		aggE,
		NewLocalLimitExec(src, 3),
	}
	for _, p := range plans {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		tc := NewTaskContext(ctx, 0)
		if _, err := Collect(tc, p); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", p, err)
		}
	}
}

func TestMergeEarlyClose(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	var parts [][]arrow.RecordBatch
	for p := 0; p < 4; p++ {
		parts = append(parts, testIntBatches(s, 1, 1, 1, 1, 1, 1, 1, 1))
	}
	keys := []SortKey{{Expr: col(s, "a")}}
	m := NewSortPreservingMergeExec(newTestSource(s, parts...), keys, -1)
	ctx := testCtx()
	ctx.BatchSize = 1
	st, err := NewLimitExec(m, 0, 2).Execute(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := st.Next(); err != nil || b == nil {
		t.Fatalf("b=%v err=%v", b, err)
	}
	st.Close() // must stop the producer goroutines without draining them
}
