package exec

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
)

// joinTestSource is an Exec over fixed batches per partition. With
// endless set it repeats its batches until cancelled; failAt > 0 makes
// partition 0 fail after that many batches.
type joinTestSource struct {
	schema  *arrow.Schema
	parts   [][]arrow.RecordBatch
	endless bool
	failAt  int
}

func (s *joinTestSource) Schema() *arrow.Schema { return s.schema }
func (s *joinTestSource) Children() []Exec      { return nil }
func (s *joinTestSource) Partitions() int       { return len(s.parts) }
func (s *joinTestSource) String() string        { return "joinTestSource" }
func (s *joinTestSource) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(s, p); err != nil {
		return nil, err
	}
	return &joinTestSourceStream{src: s, ctx: ctx, p: p}, nil
}

type joinTestSourceStream struct {
	src *joinTestSource
	ctx *TaskContext
	p   int
	i   int
}

func (s *joinTestSourceStream) Next() (arrow.RecordBatch, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	bs := s.src.parts[s.p]
	if s.src.failAt > 0 && s.p == 0 && s.i >= s.src.failAt {
		return nil, fmt.Errorf("injected failure")
	}
	if s.i >= len(bs) {
		if !s.src.endless || len(bs) == 0 {
			return nil, nil
		}
		s.i = 0
	}
	b := bs[s.i]
	s.i++
	return b, nil
}
func (s *joinTestSourceStream) Close() {}

// joinCol builds an array of type dt from Go values; nil is NULL.
func joinCol(dt arrow.DataType, vals ...any) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int64Builder:
			bb.Append(int64(v.(int)))
		case *array.Int32Builder:
			bb.Append(int32(v.(int)))
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.Date32Builder:
			bb.Append(arrow.Date32(v.(int)))
		case *array.Decimal128Builder:
			bb.Append(decimal128.FromI64(int64(v.(int))))
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.Float64Builder:
			bb.Append(v.(float64))
		default:
			panic(fmt.Sprintf("joinCol: unsupported %s", dt))
		}
	}
	return b.NewArray()
}

// joinBatch builds a batch from columns of values.
func joinBatch(schema *arrow.Schema, cols ...[]any) arrow.RecordBatch {
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		arrs[i] = joinCol(schema.Field(i).Type, c...)
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	return array.NewRecordBatch(schema, arrs, int64(n))
}

// joinSchema makes a schema of nullable fields: name, type, name, type...
func joinSchema(nameTypes ...any) *arrow.Schema {
	var fs []arrow.Field
	for i := 0; i < len(nameTypes); i += 2 {
		fs = append(fs, arrow.Field{Name: nameTypes[i].(string), Type: nameTypes[i+1].(arrow.DataType), Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

// joinRows renders batches as sorted row strings ("1|a|NULL").
func joinRows(t testing.TB, schema *arrow.Schema, batches []arrow.RecordBatch) []string {
	t.Helper()
	var rows []string
	for _, b := range batches {
		if !b.Schema().Equal(schema) {
			t.Fatalf("batch schema %s differs from exec schema %s", b.Schema(), schema)
		}
		for r := 0; r < int(b.NumRows()); r++ {
			parts := make([]string, b.NumCols())
			for c := range parts {
				col := b.Column(c)
				if col.Len() != int(b.NumRows()) {
					t.Fatalf("column %d has %d rows, batch %d", c, col.Len(), b.NumRows())
				}
				parts[c] = joinCell(col, r)
			}
			rows = append(rows, strings.Join(parts, "|"))
		}
	}
	sort.Strings(rows)
	return rows
}

// joinRunAll executes every partition of e concurrently (as the engine
// does) and returns the batches per partition.
func joinRunAll(ctx *TaskContext, e Exec) ([][]arrow.RecordBatch, error) {
	n := e.Partitions()
	out := make([][]arrow.RecordBatch, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := e.Execute(ctx, p)
			if err != nil {
				errs[p] = err
				return
			}
			defer s.Close()
			for {
				b, err := s.Next()
				if err != nil {
					errs[p] = err
					return
				}
				if b == nil {
					return
				}
				out[p] = append(out[p], b)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// joinCollectRows runs e and returns its sorted rows.
func joinCollectRows(t testing.TB, ctx *TaskContext, e Exec) []string {
	t.Helper()
	parts, err := joinRunAll(ctx, e)
	if err != nil {
		t.Fatalf("%s: %v", e, err)
	}
	var all []arrow.RecordBatch
	for _, p := range parts {
		all = append(all, p...)
	}
	return joinRows(t, e.Schema(), all)
}

func joinTestCtx(batchSize int) *TaskContext {
	ctx := NewTaskContext(context.Background(), 0)
	ctx.BatchSize = batchSize
	return ctx
}

// joinTestCmp is a test-only comparison expression over two columns of
// the same type: op is "<>", "<" or "="; NULL in → NULL out.
type joinTestCmp struct {
	l, r int
	op   string
}

func (c *joinTestCmp) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (c *joinTestCmp) String() string           { return fmt.Sprintf("#%d %s #%d", c.l, c.op, c.r) }
func (c *joinTestCmp) Eval(b arrow.RecordBatch) (arrow.Array, error) {
	x, y := b.Column(c.l), b.Column(c.r)
	bb := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer bb.Release()
	for i := 0; i < int(b.NumRows()); i++ {
		if x.IsNull(i) || y.IsNull(i) {
			bb.AppendNull()
			continue
		}
		var cmp int
		switch xa := x.(type) {
		case *array.Int64:
			cmp = joinCmp(xa.Value(i), y.(*array.Int64).Value(i))
		case *array.String:
			cmp = strings.Compare(xa.Value(i), y.(*array.String).Value(i))
		default:
			return nil, fmt.Errorf("joinTestCmp: unsupported %s", x.DataType())
		}
		switch c.op {
		case "<>":
			bb.Append(cmp != 0)
		case "<":
			bb.Append(cmp < 0)
		case "=":
			bb.Append(cmp == 0)
		}
	}
	return bb.NewArray(), nil
}

func joinCmp(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func joinColExpr(s *arrow.Schema, i int) expr.Expr {
	return expr.NewColumn(i, s.Field(i).Name, s.Field(i).Type)
}

// joinWaitGoroutines waits until the goroutine count drops to at most n.
func joinWaitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if joinNumGoroutine() <= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("goroutines leaked: %d running, want <= %d", joinNumGoroutine(), n)
}

// joinCell renders one value ("NULL" for NULL); decimals print their raw
// integer, since Arrow's decimal formatting is slow.
func joinCell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	if d, ok := a.(*array.Decimal128); ok {
		v := d.Value(i)
		return fmt.Sprintf("%d:%d", v.HighBits(), v.LowBits())
	}
	return a.ValueStr(i)
}
