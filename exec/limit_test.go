package exec

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func testIntBatches(s *arrow.Schema, sizes ...int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	v := 0
	for _, n := range sizes {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = v
			v++
		}
		out = append(out, testBatch(s, testArray(arrow.PrimitiveTypes.Int64, vals...)))
	}
	return out
}

func TestLimitExec(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	batches := testIntBatches(s, 3, 4, 5) // values 0..11
	cases := []struct {
		offset, count int64
		want          string
	}{
		{0, 2, "0 1"},
		{0, -1, "0 1 2 3 4 5 6 7 8 9 10 11"},
		{2, 3, "2 3 4"},
		{3, 4, "3 4 5 6"},
		{5, 100, "5 6 7 8 9 10 11"},
		{11, 5, "11"},
		{12, 5, ""},
		{100, -1, ""},
		{0, 0, ""},
		{4, 0, ""},
	}
	for _, c := range cases {
		l := NewLimitExec(newTestSource(s, batches), c.offset, c.count)
		out := mustCollect(t, l)
		var got []string
		for _, r := range testRows(out) {
			got = append(got, r[0])
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("offset=%d count=%d: got %q want %q", c.offset, c.count, g, c.want)
		}
	}
	if got := NewLimitExec(newTestSource(s), 0, 10).String(); got != "LimitExec: offset=0 count=10" {
		t.Errorf("String = %q", got)
	}
}

func TestLimitStopsPulling(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	pulled := 0
	src := &testSourceStream{batches: testIntBatches(s, 3, 3, 3, 3), pulled: &pulled}
	ls := &limitStream{ctx: testCtx(), input: src, remaining: 4}
	rows := 0
	for {
		b, err := ls.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		rows += int(b.NumRows())
	}
	if rows != 4 || pulled != 2 {
		t.Fatalf("rows=%d pulled=%d, want 4 and 2", rows, pulled)
	}
}

func TestLimitExecNeedsOnePartition(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	_, err := Collect(testCtx(), NewLimitExec(newTestSource(s, nil, nil), 0, 1))
	if err == nil || !strings.Contains(err.Error(), "2 partitions") {
		t.Fatalf("err = %v", err)
	}
}

func TestLocalLimitExec(t *testing.T) {
	s := testSchema("a", arrow.PrimitiveTypes.Int64)
	b := testIntBatches(s, 3, 4)
	src := newTestSource(s, b[:1], b[1:], nil)
	out := mustCollect(t, NewLocalLimitExec(src, 2))
	if got := testJoin(testRows(out)); got != "0\n1\n3\n4" {
		t.Fatalf("got %q", got)
	}
	if out := mustCollect(t, NewLocalLimitExec(src, 0)); len(out) != 0 {
		t.Fatalf("count 0 gave %d batches", len(out))
	}
}
