package exec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
)

// testGreater is "col > v" over an Int64 column, NULL for NULL input.
func testGreater(col int, v int64) *testExpr {
	return &testExpr{name: fmt.Sprintf("c%d > %d", col, v), typ: arrow.FixedWidthTypes.Boolean,
		fn: func(b arrow.RecordBatch) (arrow.Array, error) {
			a := b.Column(col).(*array.Int64)
			bb := array.NewBooleanBuilder(memory.DefaultAllocator)
			defer bb.Release()
			for i := 0; i < a.Len(); i++ {
				if a.IsNull(i) {
					bb.AppendNull()
				} else {
					bb.Append(a.Value(i) > v)
				}
			}
			return bb.NewArray(), nil
		}}
}

func TestFilterExec(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64, "b", arrow.BinaryTypes.String)
	b1 := testBatch(s, testArray(arrow.PrimitiveTypes.Int64, 1, 5, nil, 7), testArray(arrow.BinaryTypes.String, "x", "y", "z", nil))
	b2 := testBatch(s, testArray(arrow.PrimitiveTypes.Int64, 0, 1), testArray(arrow.BinaryTypes.String, "p", "q"))
	b3 := testBatch(s, testArray(arrow.PrimitiveTypes.Int64, 10, 11), testArray(arrow.BinaryTypes.String, "r", "s"))
	src := newTestSource(s, []arrow.RecordBatch{b1, b2}, []arrow.RecordBatch{b3}, nil)
	f := NewFilterExec(src, testGreater(0, 2))
	if f.Partitions() != 3 {
		t.Fatalf("partitions = %d", f.Partitions())
	}
	out := mustCollect(t, f)
	if got, want := testJoin(testRows(out)), "5|y\n7|NULL\n10|r\n11|s"; got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// b2 has no passing rows: skipped, so 2 batches (b1 filtered, b3 whole).
	if len(out) != 2 || out[1] != b3 && out[1].Column(0) != b3.Column(0) {
		t.Errorf("want 2 batches with b3 passed through, got %d", len(out))
	}
	if got := f.String(); got != "FilterExec: c0 > 2" {
		t.Errorf("String = %q", got)
	}
}

func TestFilterExecBadPredicate(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	src := newTestSource(s, []arrow.RecordBatch{testBatch(s, testArray(arrow.PrimitiveTypes.Int64, 1))})
	_, err := Collect(testCtx(), NewFilterExec(src, expr.NewColumn(0, "a", arrow.PrimitiveTypes.Int64)))
	if err == nil || !strings.Contains(err.Error(), "boolean") {
		t.Fatalf("err = %v", err)
	}
}

func TestProjectionExec(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64, "b", arrow.BinaryTypes.String)
	b1 := testBatch(s, testArray(arrow.PrimitiveTypes.Int64, 1, nil), testArray(arrow.BinaryTypes.String, "x", "y"))
	src := newTestSource(s, []arrow.RecordBatch{b1}, nil)
	p := NewProjectionExec(src, []expr.Expr{expr.NewColumn(1, "b", arrow.BinaryTypes.String), testGreater(0, 0)}, []string{"bb", "pos"})
	if p.Partitions() != 2 || p.Schema().Field(0).Name != "bb" || p.Schema().Field(1).Type.ID() != arrow.BOOL {
		t.Fatalf("bad schema %s", p.Schema())
	}
	out := mustCollect(t, p)
	if got, want := testJoin(testRows(out)), "x|true\ny|NULL"; got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := p.String(); got != "ProjectionExec: exprs=[b@1 AS bb, c0 > 0 AS pos]" {
		t.Errorf("String = %q", got)
	}
}
