package exec

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// sortTestSchema: id (row number, to check stability), then key candidates.
var sortTestSchema = testSchema("id", tInt, "a", tInt, "b", tStr, "c", tMoney, "d", tF64, "e", tDate)

type sortTestKey struct {
	col              int
	desc, nullsFirst bool
}

func sortRandomRows(r *rand.Rand, n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		row := []any{i, nil, nil, nil, nil, nil}
		if r.Intn(8) > 0 {
			row[1] = r.Intn(20) - 10
		}
		if r.Intn(8) > 0 {
			row[2] = strings.Repeat("x", r.Intn(3)) + fmt.Sprintf("k%d", r.Intn(30)) + strings.Repeat("y", r.Intn(12))
		}
		if r.Intn(8) > 0 {
			row[3] = decimal128.FromI64(r.Int63n(2000) - 1000)
		}
		if r.Intn(8) > 0 {
			switch r.Intn(20) {
			case 0:
				row[4] = math.NaN()
			case 1:
				row[4] = math.Copysign(0, -1)
			case 2:
				row[4] = math.Inf(-1)
			default:
				row[4] = float64(r.Intn(40)-20) / 2
			}
		}
		if r.Intn(8) > 0 {
			row[5] = 9000 + r.Intn(50)
		}
		rows[i] = row
	}
	return rows
}

func sortRowsToBatches(rows [][]any, size int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(rows); start += size {
		end := min(start+size, len(rows))
		cols := make([][]any, 6)
		for _, r := range rows[start:end] {
			for c := range cols {
				cols[c] = append(cols[c], r[c])
			}
		}
		out = append(out, testBatch(sortTestSchema, testArray(tInt, cols[0]...), testArray(tInt, cols[1]...), testArray(tStr, cols[2]...),
			testArray(tMoney, cols[3]...), testArray(tF64, cols[4]...), testArray(tDate, cols[5]...)))
	}
	return out
}

func sortCmpAny(x, y any) int {
	switch a := x.(type) {
	case int:
		return cmp.Compare(a, y.(int))
	case string:
		return bytes.Compare([]byte(a), []byte(y.(string)))
	case decimal128.Num:
		return a.Cmp(y.(decimal128.Num))
	case float64:
		b := y.(float64)
		an, bn := math.IsNaN(a), math.IsNaN(b)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmp.Compare(a, b)
	}
	panic("bad value")
}

// sortReference sorts rows stably by keys.
func sortReference(rows [][]any, keys []sortTestKey) [][]any {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(x, y []any) int {
		for _, k := range keys {
			a, b := x[k.col], y[k.col]
			var c int
			switch {
			case a == nil && b == nil:
				c = 0
			case a == nil:
				c = 1
				if k.nullsFirst {
					c = -1
				}
			case b == nil:
				c = -1
				if k.nullsFirst {
					c = 1
				}
			default:
				c = sortCmpAny(a, b)
				if k.desc {
					c = -c
				}
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

func sortKeysFor(keys []sortTestKey) []SortKey {
	out := make([]SortKey, len(keys))
	for i, k := range keys {
		f := sortTestSchema.Field(k.col)
		out[i] = SortKey{Expr: col(sortTestSchema, f.Name), Desc: k.desc, NullsFirst: k.nullsFirst}
	}
	return out
}

// sortIDs returns the id column of the output, which identifies row order.
func sortIDs(batches []arrow.RecordBatch) string {
	var ids []string
	for _, r := range testRows(batches) {
		ids = append(ids, r[0])
	}
	return strings.Join(ids, " ")
}

func sortRefIDs(rows [][]any) string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = fmt.Sprint(r[0])
	}
	return strings.Join(ids, " ")
}

var sortKeySets = [][]sortTestKey{
	{{1, false, false}},
	{{1, true, true}},
	{{2, false, true}},
	{{2, true, false}, {1, false, false}},
	{{3, false, false}, {4, true, true}},
	{{4, false, false}},
	{{4, true, false}, {5, false, true}},
	{{5, true, true}, {2, false, false}, {1, true, false}},
	{{1, false, true}, {3, true, false}, {0, true, false}},
}

func TestSortExecRandomized(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	rows := sortRandomRows(r, 3000)
	batches := sortRowsToBatches(rows, 257)
	for _, keys := range sortKeySets {
		want := sortReference(rows, keys)
		sk := sortKeysFor(keys)
		got := mustCollect(t, NewSortExec(newTestSource(sortTestSchema, batches), sk, -1))
		if g, w := sortIDs(got), sortRefIDs(want); g != w {
			t.Fatalf("keys %v: full sort differs", sk)
		}
		for _, fetch := range []int64{0, 1, 7, 100, 2999, 3000, 10000} {
			ctx := testCtx()
			ctx.BatchSize = 100 // forces several top-N compactions
			out, err := Collect(ctx, NewSortExec(newTestSource(sortTestSchema, batches), sk, fetch))
			if err != nil {
				t.Fatal(err)
			}
			n := min(int(fetch), len(want))
			if g, w := sortIDs(out), sortRefIDs(want[:n]); g != w {
				t.Fatalf("keys %v fetch %d: top-N differs from sort+limit\ngot  %.200s\nwant %.200s", sk, fetch, g, w)
			}
		}
	}
}

func TestSortExecPartitionsAndMerge(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	rows := sortRandomRows(r, 2000)
	batches := sortRowsToBatches(rows, 100)
	parts := make([][]arrow.RecordBatch, 3)
	var partRows [][][]any
	for p := range parts {
		var pr [][]any
		for i := p; i < len(batches); i += 3 {
			parts[p] = append(parts[p], batches[i])
			pr = append(pr, rows[i*100:min(i*100+100, len(rows))]...)
		}
		partRows = append(partRows, pr)
	}
	for _, keys := range sortKeySets {
		sk := sortKeysFor(keys)
		sorted := NewSortExec(newTestSource(sortTestSchema, parts...), sk, -1)
		if sorted.Partitions() != 3 {
			t.Fatal("SortExec changed the partitioning")
		}
		// Each partition is sorted on its own.
		for p := 0; p < 3; p++ {
			st, err := sorted.Execute(testCtx(), p)
			if err != nil {
				t.Fatal(err)
			}
			var got []arrow.RecordBatch
			for {
				b, err := st.Next()
				if err != nil {
					t.Fatal(err)
				}
				if b == nil {
					break
				}
				got = append(got, b)
			}
			st.Close()
			if g, w := sortIDs(got), sortRefIDs(sortReference(partRows[p], keys)); g != w {
				t.Fatalf("partition %d differs", p)
			}
		}
		// The merge of the sorted partitions is the sort of the
		// concatenation (ties go to the lower partition).
		all := append(append(slices.Clone(partRows[0]), partRows[1]...), partRows[2]...)
		want := sortReference(all, keys)
		for _, fetch := range []int64{-1, 0, 5, 1000, 5000} {
			m := NewSortPreservingMergeExec(NewSortExec(newTestSource(sortTestSchema, parts...), sk, fetch), sk, fetch)
			ctx := testCtx()
			ctx.BatchSize = 300
			out, err := Collect(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			n := len(want)
			if fetch >= 0 {
				n = min(n, int(fetch))
			}
			if g, w := sortIDs(out), sortRefIDs(want[:n]); g != w {
				t.Fatalf("keys %v fetch %d: merge differs\ngot  %.200s\nwant %.200s", sk, fetch, g, w)
			}
			for _, b := range out {
				if b.NumRows() > 300 {
					t.Fatalf("merge batch of %d rows", b.NumRows())
				}
			}
		}
	}
}

func TestSortExecEdgeCases(t *testing.T) {
	s := sortTestSchema
	keys := []SortKey{{Expr: col(s, "a")}}
	if out := mustCollect(t, NewSortExec(newTestSource(s, nil, nil), keys, -1)); len(out) != 0 {
		t.Fatal("empty input produced rows")
	}
	if out := mustCollect(t, NewSortPreservingMergeExec(newTestSource(s, nil, nil), keys, -1)); len(out) != 0 {
		t.Fatal("empty merge produced rows")
	}
	if got := NewSortExec(newTestSource(s), []SortKey{{Expr: col(s, "a"), Desc: false, NullsFirst: true}}, 10).String(); got != "SortExec: keys=[a@1 ASC NULLS FIRST] fetch=10" {
		t.Errorf("String = %q", got)
	}
	if got := NewSortPreservingMergeExec(newTestSource(s), []SortKey{{Expr: col(s, "b"), Desc: true}}, -1).String(); got != "SortPreservingMergeExec: keys=[b@2 DESC NULLS LAST]" {
		t.Errorf("String = %q", got)
	}
}

func TestSortExecMemoryLimit(t *testing.T) {
	rows := sortRandomRows(rand.New(rand.NewSource(1)), 20000)
	src := newTestSource(sortTestSchema, sortRowsToBatches(rows, 1000))
	ctx := NewTaskContext(context.Background(), 100<<10)
	_, err := Collect(ctx, NewSortExec(src, sortKeysFor(sortKeySets[0]), -1))
	var mle *MemoryLimitError
	if !errors.As(err, &mle) || !strings.Contains(err.Error(), "SortExec") {
		t.Fatalf("err = %v", err)
	}
	if ctx.Memory.Used() != 0 {
		t.Errorf("%d bytes still reserved", ctx.Memory.Used())
	}
	// A top-10 fits in the same limit: it only keeps candidates.
	src = newTestSource(sortTestSchema, sortRowsToBatches(rows, 250))
	if _, err := Collect(ctx, NewSortExec(src, sortKeysFor(sortKeySets[0]), 10)); err != nil {
		t.Fatalf("top-N: %v", err)
	}
}
