package exec

import (
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

const benchRows = 1 << 20

// benchQ1Batches builds lineitem-like batches: two one-letter string keys
// with 4 combinations, and three DECIMAL(15,2) columns.
func benchQ1Batches(n int) (*arrow.Schema, []arrow.RecordBatch) {
	s := testSchema("flag", tStr, "status", tStr, "qty", tMoney, "price", tMoney, "disc", tMoney)
	r := rand.New(rand.NewSource(1))
	var out []arrow.RecordBatch
	for start := 0; start < n; start += DefaultBatchSize {
		m := min(DefaultBatchSize, n-start)
		fb, sb := array.NewStringBuilder(memory.DefaultAllocator), array.NewStringBuilder(memory.DefaultAllocator)
		decs := make([]*array.Decimal128Builder, 3)
		for i := range decs {
			decs[i] = array.NewDecimal128Builder(memory.DefaultAllocator, tMoney)
		}
		for i := 0; i < m; i++ {
			k := r.Intn(4)
			fb.Append([]string{"A", "N", "N", "R"}[k])
			sb.Append([]string{"F", "F", "O", "F"}[k])
			decs[0].Append(decimal128.FromI64(int64(100 + r.Intn(4900))))
			decs[1].Append(decimal128.FromI64(int64(90000 + r.Intn(10000000))))
			decs[2].Append(decimal128.FromI64(int64(r.Intn(11))))
		}
		out = append(out, testBatch(s, fb.NewArray(), sb.NewArray(), decs[0].NewArray(), decs[1].NewArray(), decs[2].NewArray()))
	}
	return s, out
}

func BenchmarkHashAggregateDecimalSum(b *testing.B) {
	s, batches := benchQ1Batches(benchRows)
	aggs := []AggregateSpec{
		agg(logical.AggSum, col(s, "qty"), tDec(38, 2), "sum_qty"),
		agg(logical.AggSum, col(s, "price"), tDec(38, 2), "sum_base_price"),
		agg(logical.AggSum, col(s, "disc"), tDec(38, 2), "sum_disc"),
		agg(logical.AggAvg, col(s, "qty"), tDec(38, 6), "avg_qty"),
		agg(logical.AggAvg, col(s, "price"), tDec(38, 6), "avg_price"),
		agg(logical.AggCountStar, nil, tInt, "count_order"),
	}
	a := mustAgg(b, newTestSource(s, batches), AggSingle, []expr.Expr{col(s, "flag"), col(s, "status")}, []string{"flag", "status"}, aggs)
	b.SetBytes(int64(benchRows))
	b.ReportAllocs()
	for b.Loop() {
		out, err := Collect(testCtx(), a)
		if err != nil || len(out) != 1 || out[0].NumRows() != 4 {
			b.Fatalf("err=%v", err)
		}
	}
}

func BenchmarkHashAggregateInt64Key(b *testing.B) {
	s := testSchema("k", tInt, "v", tMoney)
	r := rand.New(rand.NewSource(1))
	var batches []arrow.RecordBatch
	for start := 0; start < benchRows; start += DefaultBatchSize {
		kb := array.NewInt64Builder(memory.DefaultAllocator)
		vb := array.NewDecimal128Builder(memory.DefaultAllocator, tMoney)
		for i := 0; i < DefaultBatchSize; i++ {
			kb.Append(int64(r.Intn(benchRows / 4)))
			vb.Append(decimal128.FromI64(int64(r.Intn(5000))))
		}
		batches = append(batches, testBatch(s, kb.NewArray(), vb.NewArray()))
	}
	a := mustAgg(b, newTestSource(s, batches), AggSingle, []expr.Expr{col(s, "k")}, []string{"k"},
		[]AggregateSpec{agg(logical.AggSum, col(s, "v"), tDec(38, 2), "s")})
	b.SetBytes(int64(benchRows))
	for b.Loop() {
		if _, err := Collect(testCtx(), a); err != nil {
			b.Fatal(err)
		}
	}
}
