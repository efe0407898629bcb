package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestUnionExec(t *testing.T) {
	s1 := testSchema("a", arrow.PrimitiveTypes.Int64)
	s2 := testSchema("other", arrow.PrimitiveTypes.Int64)
	b := testIntBatches(s1, 2, 2, 2)
	c := testBatch(s2, testArray(arrow.PrimitiveTypes.Int64, 100))
	u, err := NewUnionExec([]Exec{newTestSource(s1, b[:1], b[1:2]), newTestSource(s2, []arrow.RecordBatch{c}), newTestSource(s1, b[2:])}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u.Partitions() != 4 {
		t.Fatalf("partitions = %d", u.Partitions())
	}
	out := mustCollect(t, u)
	if got := testJoin(testRows(out)); got != "0\n1\n2\n3\n100\n4\n5" {
		t.Fatalf("got %q", got)
	}
	if _, err := NewUnionExec([]Exec{newTestSource(s1), newTestSource(testSchema("x", arrow.BinaryTypes.String))}, nil); err == nil {
		t.Fatal("type mismatch accepted")
	}
}

func TestValuesExec(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	v := NewValuesExec(s, testIntBatches(s, 2, 0, 1))
	for i := 0; i < 2; i++ { // runs repeatably
		if got := testJoin(testRows(mustCollect(t, v))); got != "0\n1\n2" {
			t.Fatalf("got %q", got)
		}
	}
	if out := mustCollect(t, NewValuesExec(s, nil)); len(out) != 0 {
		t.Fatal("empty values produced rows")
	}
	if got := v.String(); got != "ValuesExec: batches=3 rows=3" {
		t.Errorf("String = %q", got)
	}
}
