package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

func joinNumGoroutine() int { return runtime.NumGoroutine() }

var joinDec = &arrow.Decimal128Type{Precision: 10, Scale: 2}

// joinRef is a naive nested-loop reference join over two flattened batches.
type joinRef struct {
	left, right arrow.RecordBatch
	lk, rk      []int
	// filter reports the residual predicate for a pair: (true?, NULL?); nil = TRUE.
	filter func(l, r int) (bool, bool)

	lkey, rkey []string // rendered key tuples, cached
}

func (f *joinRef) keyStrings(b arrow.RecordBatch, keys []int) []string {
	out := make([]string, b.NumRows())
	for i := range out {
		parts := make([]string, len(keys))
		for j, k := range keys {
			parts[j] = joinCell(b.Column(k), i)
		}
		out[i] = strings.Join(parts, "\x00")
	}
	return out
}

func (f *joinRef) row(b arrow.RecordBatch, i int) []string {
	out := make([]string, b.NumCols())
	for c := range out {
		if i < 0 {
			out[c] = "NULL"
		} else {
			out[c] = joinCell(b.Column(c), i)
		}
	}
	return out
}

func (f *joinRef) keyNull(b arrow.RecordBatch, keys []int, i int) bool {
	for _, k := range keys {
		if b.Column(k).IsNull(i) {
			return true
		}
	}
	return false
}

func (f *joinRef) filterTrue(l, r int) bool {
	if f.filter == nil {
		return true
	}
	v, null := f.filter(l, r)
	return v && !null
}

func (f *joinRef) match(l, r int) bool {
	if f.keyNull(f.left, f.lk, l) || f.keyNull(f.right, f.rk, r) {
		return false
	}
	if f.lkey == nil {
		f.lkey, f.rkey = f.keyStrings(f.left, f.lk), f.keyStrings(f.right, f.rk)
	}
	return f.lkey[l] == f.rkey[r] && f.filterTrue(l, r)
}

func (f *joinRef) expected(kind logical.JoinKind) []string {
	nl, nr := int(f.left.NumRows()), int(f.right.NumRows())
	var rows []string
	emit := func(parts ...[]string) {
		rows = append(rows, strings.Join(slices.Concat(parts...), "|"))
	}
	rightMatched := make([]bool, nr)
	for l := 0; l < nl; l++ {
		matched := false
		for r := 0; r < nr; r++ {
			if f.match(l, r) {
				matched = true
				rightMatched[r] = true
				if joinEmitsPairs(kind) {
					emit(f.row(f.left, l), f.row(f.right, r))
				}
			}
		}
		nullish := false
		if !matched && f.lk != nil {
			for r := 0; r < nr; r++ {
				if f.filterTrue(l, r) && (f.keyNull(f.left, f.lk, l) || f.keyNull(f.right, f.rk, r)) {
					nullish = true
				}
			}
		}
		if !matched && f.lk == nil && f.filter != nil {
			for r := 0; r < nr; r++ {
				if _, null := f.filter(l, r); null {
					nullish = true
				}
			}
		}
		switch kind {
		case logical.JoinLeft, logical.JoinFull:
			if !matched {
				emit(f.row(f.left, l), f.row(f.right, -1))
			}
		case logical.JoinSemi:
			if matched {
				emit(f.row(f.left, l))
			}
		case logical.JoinAnti:
			if !matched {
				emit(f.row(f.left, l))
			}
		case logical.JoinAntiNullAware:
			if !matched && !nullish {
				emit(f.row(f.left, l))
			}
		case logical.JoinLeftMark:
			mark := "false"
			if matched {
				mark = "true"
			} else if nullish {
				mark = "NULL"
			}
			emit(f.row(f.left, l), []string{mark})
		}
	}
	if kind == logical.JoinRight || kind == logical.JoinFull {
		for r := 0; r < nr; r++ {
			if !rightMatched[r] {
				emit(f.row(f.left, -1), f.row(f.right, r))
			}
		}
	}
	slices.Sort(rows)
	return rows
}

// joinFlatten concatenates all batches of all partitions.
func joinFlatten(t testing.TB, schema *arrow.Schema, parts [][]arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	cols := make([]arrow.Array, schema.NumFields())
	n := 0
	for c := range cols {
		var arrs []arrow.Array
		for _, p := range parts {
			for _, b := range p {
				arrs = append(arrs, b.Column(c))
			}
		}
		if len(arrs) == 0 {
			cols[c] = array.MakeArrayOfNull(memory.DefaultAllocator, schema.Field(c).Type, 0)
			continue
		}
		a, err := array.Concatenate(arrs, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		cols[c] = a
		n = a.Len()
	}
	return array.NewRecordBatch(schema, cols, int64(n))
}

// joinRandomSide makes rows of (k1 int64, k2 string, v int64, d decimal, dt date)
// split at random into partitions and batches (some empty).
func joinRandomSide(rng *rand.Rand, prefix string, rows, parts, keyRange int) (*arrow.Schema, [][]arrow.RecordBatch) {
	schema := joinSchema(prefix+"k1", arrow.PrimitiveTypes.Int64, prefix+"k2", arrow.BinaryTypes.String,
		prefix+"v", arrow.PrimitiveTypes.Int64, prefix+"d", arrow.DataType(joinDec), prefix+"dt", arrow.FixedWidthTypes.Date32)
	maybe := func(v any) any {
		if rng.Intn(10) == 0 {
			return nil
		}
		return v
	}
	strs := []string{"a", "b", "c", "", "a longer string key"}
	out := make([][]arrow.RecordBatch, parts)
	for left := rows; left > 0 || rng.Intn(3) == 0; {
		n := min(left, rng.Intn(40))
		left -= n
		cols := make([][]any, 5)
		for i := 0; i < n; i++ {
			cols[0] = append(cols[0], maybe(rng.Intn(keyRange)))
			cols[1] = append(cols[1], maybe(strs[rng.Intn(len(strs))]))
			cols[2] = append(cols[2], maybe(rng.Intn(4)))
			cols[3] = append(cols[3], maybe(rng.Intn(4)))
			cols[4] = append(cols[4], maybe(rng.Intn(3)))
		}
		p := rng.Intn(parts)
		out[p] = append(out[p], joinBatch(schema, cols...))
		if left == 0 && rng.Intn(2) == 0 {
			break
		}
	}
	return schema, out
}

func TestHashJoinRandomAgainstReference(t *testing.T) {
	keySets := []struct {
		name string
		keys []int
	}{
		{"int64", []int{0}},
		{"string", []int{1}},
		{"int64+string", []int{0, 1}},
		{"decimal+date", []int{3, 4}},
	}
	rng := rand.New(rand.NewSource(42))
	for iter := 0; iter < 4; iter++ {
		lrows, rrows := 150+rng.Intn(150), rng.Intn(200)
		if iter == 3 {
			rrows = 0 // empty build side
		}
		ls, lparts := joinRandomSide(rng, "l_", lrows, 3, 12)
		rs, rparts := joinRandomSide(rng, "r_", rrows, 2, 12)
		lsrc := &joinTestSource{schema: ls, parts: lparts}
		rsrc := &joinTestSource{schema: rs, parts: rparts}
		flatL, flatR := joinFlatten(t, ls, lparts), joinFlatten(t, rs, rparts)
		nl := ls.NumFields()
		// Residual filter l_v <> r_v (Q21 style), NULL when either is NULL.
		filter := &joinTestCmp{l: 2, r: nl + 2, op: "<>"}
		refFilter := func(l, r int) (bool, bool) {
			a, b := flatL.Column(2), flatR.Column(2)
			if a.IsNull(l) || b.IsNull(r) {
				return false, true
			}
			return a.(*array.Int64).Value(l) != b.(*array.Int64).Value(r), false
		}
		for _, ks := range keySets {
			lk := make([]expr.Expr, len(ks.keys))
			rk := make([]expr.Expr, len(ks.keys))
			for i, k := range ks.keys {
				lk[i], rk[i] = joinColExpr(ls, k), joinColExpr(rs, k)
			}
			for _, withFilter := range []bool{false, true} {
				ref := &joinRef{left: flatL, right: flatR, lk: ks.keys, rk: ks.keys}
				var f expr.Expr
				if withFilter {
					f, ref.filter = filter, refFilter
				}
				for _, mode := range []JoinMode{JoinCollectBuild, JoinPartitioned} {
					kinds := []logical.JoinKind{logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti}
					var left, right Exec = lsrc, rsrc
					if mode == JoinPartitioned {
						kinds = append(kinds, logical.JoinRight, logical.JoinFull)
						left = NewRepartitionExec(lsrc, lk, 3)
						right = NewRepartitionExec(rsrc, rk, 3)
					} else {
						kinds = append(kinds, logical.JoinLeftMark)
						if len(ks.keys) == 1 {
							kinds = append(kinds, logical.JoinAntiNullAware)
						}
					}
					for _, kind := range kinds {
						want := ref.expected(kind)
						for _, bs := range []int{[]int{3, 7, 50, 1000}[iter], 1000} {
							name := fmt.Sprintf("iter%d/%s/filter=%v/%s/%s/bs%d", iter, ks.name, withFilter, mode, kind, bs)
							j, err := NewHashJoinExec(left, right, kind, lk, rk, f, mode, "mark")
							if err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							ctx := joinTestCtx(bs)
							got := joinCollectRows(t, ctx, j)
							if !slices.Equal(got, want) {
								t.Fatalf("%s: got %d rows, want %d\n got: %v\nwant: %v", name, len(got), len(want), joinHead(got), joinHead(want))
							}
							if ctx.Memory.Used() != 0 {
								t.Fatalf("%s: %d bytes still reserved after close", name, ctx.Memory.Used())
							}
						}
					}
				}
			}
		}
	}
}

func joinHead(rows []string) []string {
	if len(rows) > 30 {
		return rows[:30]
	}
	return rows
}

// TestHashJoinNullAwareAnti checks NOT IN semantics on hand-made cases.
func TestHashJoinNullAwareAnti(t *testing.T) {
	ls := joinSchema("a", arrow.PrimitiveTypes.Int64)
	rs := joinSchema("b", arrow.PrimitiveTypes.Int64)
	left := &joinTestSource{schema: ls, parts: [][]arrow.RecordBatch{{joinBatch(ls, []any{1, 2, nil, 3})}}}
	cases := []struct {
		name  string
		right [][]arrow.RecordBatch
		anti  []string
		mark  []string
	}{
		{"empty right keeps all, even NULL", [][]arrow.RecordBatch{{}, {}}, []string{"1", "2", "3", "NULL"},
			[]string{"1|false", "2|false", "3|false", "NULL|false"}},
		{"NULL in right keeps nothing", [][]arrow.RecordBatch{{joinBatch(rs, []any{2})}, {joinBatch(rs, []any{nil})}}, nil,
			[]string{"1|NULL", "2|true", "3|NULL", "NULL|NULL"}},
		{"no NULL", [][]arrow.RecordBatch{{joinBatch(rs, []any{2, 5})}, {joinBatch(rs, []any{2})}}, []string{"1", "3"},
			[]string{"1|false", "2|true", "3|false", "NULL|NULL"}},
	}
	for _, c := range cases {
		right := &joinTestSource{schema: rs, parts: c.right}
		k := []expr.Expr{joinColExpr(ls, 0)}
		rk := []expr.Expr{joinColExpr(rs, 0)}
		j, err := NewHashJoinExec(left, right, logical.JoinAntiNullAware, k, rk, nil, JoinCollectBuild, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := joinCollectRows(t, joinTestCtx(2), j); !slices.Equal(got, c.anti) {
			t.Errorf("%s: anti got %v want %v", c.name, got, c.anti)
		}
		m, err := NewHashJoinExec(left, right, logical.JoinLeftMark, k, rk, nil, JoinCollectBuild, "m")
		if err != nil {
			t.Fatal(err)
		}
		if got := joinCollectRows(t, joinTestCtx(2), m); !slices.Equal(got, c.mark) {
			t.Errorf("%s: mark got %v want %v", c.name, got, c.mark)
		}
	}
}

// TestHashJoinQ21 is the TPC-H Q21 shape: l1 EXISTS l2 with the same order
// and another supplier, and NOT EXISTS l3 with the same order, another
// supplier and a late receipt.
func TestHashJoinQ21(t *testing.T) {
	s := joinSchema("orderkey", arrow.PrimitiveTypes.Int64, "suppkey", arrow.PrimitiveTypes.Int64)
	l1 := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{
		{joinBatch(s, []any{1, 1, 2, 3}, []any{10, 11, 10, 10})},
		{joinBatch(s, []any{4, 4}, []any{10, 10})},
	}}
	l2 := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{
		{joinBatch(s, []any{1, 1, 2, 3, 3}, []any{10, 11, 10, 10, 12})},
		{joinBatch(s, []any{4, 4}, []any{10, 10})},
	}}
	lk := []expr.Expr{joinColExpr(s, 0)}
	ne := &joinTestCmp{l: 1, r: 3, op: "<>"}
	semi, err := NewHashJoinExec(l1, l2, logical.JoinSemi, lk, lk, ne, JoinCollectBuild, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := joinCollectRows(t, joinTestCtx(8192), semi), []string{"1|10", "1|11", "3|10"}; !slices.Equal(got, want) {
		t.Errorf("semi: got %v want %v", got, want)
	}
	anti, err := NewHashJoinExec(l1, l2, logical.JoinAnti, lk, lk, ne, JoinCollectBuild, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := joinCollectRows(t, joinTestCtx(8192), anti), []string{"2|10", "4|10", "4|10"}; !slices.Equal(got, want) {
		t.Errorf("anti: got %v want %v", got, want)
	}
	if got := semi.String(); got != "HashJoinExec: mode=CollectBuild kind=Semi on=[orderkey@0 = orderkey@0] filter=#1 <> #3" {
		t.Errorf("String() = %q", got)
	}
}

// TestHashJoinManyMatches checks a probe batch whose matches span many
// output batches, all bounded by the batch size.
func TestHashJoinManyMatches(t *testing.T) {
	s := joinSchema("k", arrow.PrimitiveTypes.Int64)
	vals := make([]any, 100)
	for i := range vals {
		vals[i] = 7
	}
	src := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{{joinBatch(s, vals)}}}
	k := []expr.Expr{joinColExpr(s, 0)}
	j, err := NewHashJoinExec(src, src, logical.JoinInner, k, k, nil, JoinCollectBuild, "")
	if err != nil {
		t.Fatal(err)
	}
	parts, err := joinRunAll(joinTestCtx(64), j)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range parts[0] {
		if b.NumRows() > 64 {
			t.Errorf("batch of %d rows exceeds the batch size", b.NumRows())
		}
		total += int(b.NumRows())
	}
	if total != 100*100 {
		t.Errorf("got %d rows, want 10000", total)
	}
}

func TestHashJoinInvalidModes(t *testing.T) {
	s := joinSchema("k", arrow.PrimitiveTypes.Int64)
	one := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{{}}}
	two := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{{}, {}}}
	k := []expr.Expr{joinColExpr(s, 0)}
	sk := []expr.Expr{expr.NewColumn(0, "s", arrow.BinaryTypes.String)}
	for _, c := range []struct {
		name        string
		left, right Exec
		kind        logical.JoinKind
		lk, rk      []expr.Expr
		mode        JoinMode
	}{
		{"right needs partitioned", one, one, logical.JoinRight, k, k, JoinCollectBuild},
		{"full needs partitioned", one, one, logical.JoinFull, k, k, JoinCollectBuild},
		{"null-aware needs collect", one, one, logical.JoinAntiNullAware, k, k, JoinPartitioned},
		{"mark needs collect", one, one, logical.JoinLeftMark, k, k, JoinPartitioned},
		{"partition counts differ", one, two, logical.JoinInner, k, k, JoinPartitioned},
		{"no keys", one, one, logical.JoinInner, nil, nil, JoinCollectBuild},
		{"key types differ", one, one, logical.JoinInner, k, sk, JoinCollectBuild},
	} {
		if _, err := NewHashJoinExec(c.left, c.right, c.kind, c.lk, c.rk, nil, c.mode, ""); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestHashJoinMemoryLimit(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ls, lparts := joinRandomSide(rng, "l_", 100, 2, 50)
	rs, rparts := joinRandomSide(rng, "r_", 2000, 2, 50)
	k := []expr.Expr{joinColExpr(ls, 0)}
	rk := []expr.Expr{joinColExpr(rs, 0)}
	for _, mode := range []JoinMode{JoinCollectBuild, JoinPartitioned} {
		j, err := NewHashJoinExec(&joinTestSource{schema: ls, parts: lparts}, &joinTestSource{schema: rs, parts: rparts},
			logical.JoinInner, k, rk, nil, mode, "")
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewTaskContext(context.Background(), 4096)
		_, err = joinRunAll(ctx, j)
		var mle *MemoryLimitError
		if !errors.As(err, &mle) || !strings.Contains(err.Error(), "HashJoinExec") {
			t.Fatalf("%s: got %v, want a memory limit error naming HashJoinExec", mode, err)
		}
		if ctx.Memory.Used() != 0 {
			t.Errorf("%s: %d bytes still reserved", mode, ctx.Memory.Used())
		}
	}
}

func TestHashJoinBuildErrorReachesEveryPartition(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	ls, lparts := joinRandomSide(rng, "l_", 100, 3, 50)
	rs, rparts := joinRandomSide(rng, "r_", 300, 2, 50)
	for len(rparts[0]) < 2 {
		rparts[0] = append(rparts[0], joinBatch(rs, []any{1}, []any{"x"}, []any{1}, []any{1}, []any{1}))
	}
	right := &joinTestSource{schema: rs, parts: rparts, failAt: 1}
	j, err := NewHashJoinExec(&joinTestSource{schema: ls, parts: lparts}, right, logical.JoinInner,
		[]expr.Expr{joinColExpr(ls, 0)}, []expr.Expr{joinColExpr(rs, 0)}, nil, JoinCollectBuild, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := joinTestCtx(100)
	for p := 0; p < j.Partitions(); p++ {
		s, err := j.Execute(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Next(); err == nil || !strings.Contains(err.Error(), "injected failure") {
			t.Errorf("partition %d: got %v, want the injected failure", p, err)
		}
		s.Close()
	}
	if j.shared.active() != 0 {
		t.Errorf("shared build state not released")
	}
}

func TestHashJoinCancellationNoLeak(t *testing.T) {
	before := joinNumGoroutine()
	rng := rand.New(rand.NewSource(5))
	ls, lparts := joinRandomSide(rng, "l_", 200, 2, 10)
	rs, rparts := joinRandomSide(rng, "r_", 200, 2, 10)
	left := NewRepartitionExec(&joinTestSource{schema: ls, parts: lparts, endless: true}, []expr.Expr{joinColExpr(ls, 0)}, 2)
	right := NewRepartitionExec(&joinTestSource{schema: rs, parts: rparts}, []expr.Expr{joinColExpr(rs, 0)}, 2)
	j, err := NewHashJoinExec(left, right, logical.JoinInner, []expr.Expr{joinColExpr(ls, 0)}, []expr.Expr{joinColExpr(rs, 0)}, nil, JoinPartitioned, "")
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	ctx := NewTaskContext(cctx, 0)
	done := make(chan error, 1)
	go func() {
		_, err := joinRunAll(ctx, j)
		done <- err
	}()
	for ctx.Memory.Peak() == 0 {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	joinWaitGoroutines(t, before)
	if ctx.Memory.Used() != 0 {
		t.Errorf("%d bytes still reserved", ctx.Memory.Used())
	}
}

func TestNestedLoopJoinAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for iter := 0; iter < 3; iter++ {
		rrows := 1 + rng.Intn(60)
		if iter == 2 {
			rrows = 0
		}
		ls, lparts := joinRandomSide(rng, "l_", 80+rng.Intn(50), 2, 5)
		rs, rparts := joinRandomSide(rng, "r_", rrows, 2, 5)
		flatL, flatR := joinFlatten(t, ls, lparts), joinFlatten(t, rs, rparts)
		nl := ls.NumFields()
		lt := &joinTestCmp{l: 2, r: nl + 2, op: "<"}
		refLt := func(l, r int) (bool, bool) {
			a, b := flatL.Column(2), flatR.Column(2)
			if a.IsNull(l) || b.IsNull(r) {
				return false, true
			}
			return a.(*array.Int64).Value(l) < b.(*array.Int64).Value(r), false
		}
		for _, withFilter := range []bool{false, true} {
			ref := &joinRef{left: flatL, right: flatR}
			var f expr.Expr
			if withFilter {
				f, ref.filter = lt, refLt
			}
			for _, kind := range []logical.JoinKind{logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti, logical.JoinLeftMark} {
				for _, bs := range []int{5, 64, 8192} {
					j, err := NewNestedLoopJoinExec(&joinTestSource{schema: ls, parts: lparts}, &joinTestSource{schema: rs, parts: rparts}, kind, f, "mark")
					if err != nil {
						t.Fatal(err)
					}
					ctx := joinTestCtx(bs)
					got := joinCollectRows(t, ctx, j)
					if want := ref.expected(kind); !slices.Equal(got, want) {
						t.Fatalf("iter%d filter=%v %s bs=%d: got %d rows want %d\n got: %v\nwant: %v", iter, withFilter, kind, bs, len(got), len(want), joinHead(got), joinHead(want))
					}
					if ctx.Memory.Used() != 0 {
						t.Fatalf("%d bytes still reserved", ctx.Memory.Used())
					}
				}
			}
		}
	}
	s := joinSchema("k", arrow.PrimitiveTypes.Int64)
	src := &joinTestSource{schema: s, parts: [][]arrow.RecordBatch{{}}}
	if _, err := NewNestedLoopJoinExec(src, src, logical.JoinFull, nil, ""); err == nil {
		t.Error("NestedLoopJoinExec accepted a FULL join")
	}
}

// BenchmarkHashJoinInt64 joins a 1M-row probe side with a 250k-row build
// side on an int64 key (the TPC-H lineitem ⋈ orders shape), build + probe.
func BenchmarkHashJoinInt64(b *testing.B) {
	const buildRows, probeRows, batch = 250_000, 1_000_000, 8192
	ps := joinSchema("l_orderkey", arrow.PrimitiveTypes.Int64, "l_qty", arrow.PrimitiveTypes.Int64)
	bs := joinSchema("o_orderkey", arrow.PrimitiveTypes.Int64, "o_date", arrow.FixedWidthTypes.Date32)
	mk := func(schema *arrow.Schema, rows int, key func(i int) int64) []arrow.RecordBatch {
		var out []arrow.RecordBatch
		for lo := 0; lo < rows; lo += batch {
			n := min(batch, rows-lo)
			k := array.NewInt64Builder(memory.DefaultAllocator)
			v := array.NewBuilder(memory.DefaultAllocator, schema.Field(1).Type)
			for i := lo; i < lo+n; i++ {
				k.Append(key(i))
				switch vb := v.(type) {
				case *array.Int64Builder:
					vb.Append(int64(i % 50))
				case *array.Date32Builder:
					vb.Append(arrow.Date32(i % 2000))
				}
			}
			out = append(out, array.NewRecordBatch(schema, []arrow.Array{k.NewArray(), v.NewArray()}, int64(n)))
		}
		return out
	}
	rng := rand.New(rand.NewSource(1))
	build := mk(bs, buildRows, func(i int) int64 { return int64(i) * 4 })
	probe := mk(ps, probeRows, func(int) int64 { return int64(rng.Intn(buildRows)) * 4 })
	left := &joinTestSource{schema: ps, parts: [][]arrow.RecordBatch{probe[:len(probe)/2], probe[len(probe)/2:]}}
	right := &joinTestSource{schema: bs, parts: [][]arrow.RecordBatch{build}}
	j, err := NewHashJoinExec(left, right, logical.JoinInner, []expr.Expr{joinColExpr(ps, 0)}, []expr.Expr{joinColExpr(bs, 0)}, nil, JoinCollectBuild, "")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		parts, err := joinRunAll(joinTestCtx(batch), j)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for _, p := range parts {
			for _, r := range p {
				rows += int(r.NumRows())
			}
		}
		if rows != probeRows {
			b.Fatalf("got %d rows", rows)
		}
	}
	b.ReportMetric(float64(probeRows+buildRows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}
