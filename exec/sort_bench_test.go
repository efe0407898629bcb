package exec

import (
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func benchInt64Batches(n int) (*arrow.Schema, []arrow.RecordBatch) {
	s := testSchema("k", tInt, "v", tInt)
	r := rand.New(rand.NewSource(1))
	var out []arrow.RecordBatch
	for start := 0; start < n; start += DefaultBatchSize {
		kb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
		for i := 0; i < min(DefaultBatchSize, n-start); i++ {
			kb.Append(r.Int63())
			vb.Append(int64(start + i))
		}
		out = append(out, testBatch(s, kb.NewArray(), vb.NewArray()))
	}
	return s, out
}

func BenchmarkSortInt64(b *testing.B) {
	s, batches := benchInt64Batches(benchRows)
	e := NewSortExec(newTestSource(s, batches), []SortKey{{Expr: col(s, "k")}}, -1)
	b.SetBytes(int64(benchRows))
	for b.Loop() {
		if _, err := Collect(testCtx(), e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTopN(b *testing.B) {
	s, batches := benchInt64Batches(benchRows)
	for _, fetch := range []int64{10, 100} {
		e := NewSortExec(newTestSource(s, batches), []SortKey{{Expr: col(s, "k"), Desc: true}}, fetch)
		b.Run(map[int64]string{10: "fetch10", 100: "fetch100"}[fetch], func(b *testing.B) {
			b.SetBytes(int64(benchRows))
			for b.Loop() {
				out, err := Collect(testCtx(), e)
				if err != nil || len(out) != 1 || out[0].NumRows() != fetch {
					b.Fatal(err)
				}
			}
		})
	}
}
