package exec

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/logical"
)

// testSource is an Exec over fixed batches, one slice per partition.
type testSource struct {
	schema *arrow.Schema
	parts  [][]arrow.RecordBatch
}

func newTestSource(schema *arrow.Schema, parts ...[]arrow.RecordBatch) *testSource {
	if len(parts) == 0 {
		parts = [][]arrow.RecordBatch{nil}
	}
	return &testSource{schema: schema, parts: parts}
}

func (s *testSource) Schema() *arrow.Schema { return s.schema }
func (s *testSource) Children() []Exec      { return nil }
func (s *testSource) Partitions() int       { return len(s.parts) }
func (s *testSource) String() string        { return fmt.Sprintf("testSource: partitions=%d", len(s.parts)) }
func (s *testSource) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(s, p); err != nil {
		return nil, err
	}
	return &testSourceStream{batches: s.parts[p]}, nil
}

type testSourceStream struct {
	batches []arrow.RecordBatch
	i       int
	pulled  *int // counts Next calls that returned a batch, when set
}

func (s *testSourceStream) Next() (arrow.RecordBatch, error) {
	if s.i >= len(s.batches) {
		return nil, nil
	}
	b := s.batches[s.i]
	s.i++
	b.Retain()
	if s.pulled != nil {
		*s.pulled++
	}
	return b, nil
}
func (s *testSourceStream) Close() {}

// testExpr is a computed expression for tests.
type testExpr struct {
	name string
	typ  arrow.DataType
	fn   func(b arrow.RecordBatch) (arrow.Array, error)
}

func (e *testExpr) Eval(b arrow.RecordBatch) (arrow.Array, error) { return e.fn(b) }
func (e *testExpr) DataType() arrow.DataType                      { return e.typ }
func (e *testExpr) String() string                                { return e.name }

func testCtx() *TaskContext { return NewTaskContext(context.Background(), 0) }

func testSchema(fields ...any) *arrow.Schema {
	fs := make([]arrow.Field, 0, len(fields)/2)
	for i := 0; i < len(fields); i += 2 {
		fs = append(fs, arrow.Field{Name: fields[i].(string), Type: fields[i+1].(arrow.DataType), Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

// testArray builds an array of type t; nil is NULL. Decimals are given as
// strings ("12.34") or unscaled int64; dates as "YYYY-MM-DD" or int32 days.
func testArray(t arrow.DataType, vals ...any) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, t)
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
		case *array.Float64Builder:
			bb.Append(v.(float64))
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.Date32Builder:
			switch x := v.(type) {
			case string:
				bb.Append(arrow.Date32FromTime(mustDate(x)))
			case int:
				bb.Append(arrow.Date32(x))
			}
		case *array.Decimal128Builder:
			scale := t.(*arrow.Decimal128Type).Scale
			switch x := v.(type) {
			case string:
				n, err := decimal128.FromString(x, t.(*arrow.Decimal128Type).Precision, scale)
				if err != nil {
					panic(err)
				}
				bb.Append(n)
			case int:
				bb.Append(decimal128.FromI64(int64(x)))
			case decimal128.Num:
				bb.Append(x)
			}
		default:
			panic(fmt.Sprintf("testArray: unsupported %s", t))
		}
	}
	return b.NewArray()
}

func testBatch(schema *arrow.Schema, cols ...arrow.Array) arrow.RecordBatch {
	n := int64(0)
	if len(cols) > 0 {
		n = int64(cols[0].Len())
	}
	return array.NewRecordBatch(schema, cols, n)
}

// testRows renders batches as rows of strings (NULL as "NULL").
func testRows(batches []arrow.RecordBatch) [][]string {
	var out [][]string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, b.NumCols())
			for c := range row {
				row[c] = testValue(b.Column(c), r)
			}
			out = append(out, row)
		}
	}
	return out
}

func testValue(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	switch x := a.(type) {
	case *array.Decimal128:
		return logical.FormatDecimal(x.Value(i), x.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return x.Value(i).FormattedString()
	case *array.Float64:
		return fmt.Sprintf("%.6g", x.Value(i))
	}
	return a.ValueStr(i)
}

func testJoin(rows [][]string) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, "|")
	}
	return strings.Join(lines, "\n")
}

// testSorted renders rows order-insensitively.
func testSorted(rows [][]string) string {
	lines := strings.Split(testJoin(rows), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func mustCollect(t testing.TB, plan Exec) []arrow.RecordBatch {
	t.Helper()
	out, err := Collect(testCtx(), plan)
	if err != nil {
		t.Fatalf("Collect(%s): %v", plan, err)
	}
	for _, b := range out {
		if !b.Schema().Equal(plan.Schema()) {
			t.Fatalf("batch schema %s differs from plan schema %s", b.Schema(), plan.Schema())
		}
		if b.NumRows() == 0 {
			t.Fatalf("%s produced an empty batch", plan)
		}
	}
	return out
}

// testDecString formats an exact rational num/den rounded half away from
// zero to scale digits (the reference for AVG).
func testDecRound(num *big.Int, den int64, scale int32) string {
	n := new(big.Int).Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Lsh(new(big.Int).Abs(r), 1).Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return logical.FormatDecimal(decimal128.FromBigInt(q), scale)
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}
