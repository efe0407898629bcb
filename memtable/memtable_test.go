package memtable

import (
	"context"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/catalog"
)

func intBatch(t *testing.T, schema *arrow.Schema, vals []int64, valid []bool) arrow.RecordBatch {
	t.Helper()
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, valid)
	return array.NewRecordBatch(schema, []arrow.Array{b.NewArray()}, int64(len(vals)))
}

func TestAppendConstraintsAndSnapshots(t *testing.T) {
	tab, err := New("t", []Column{{Name: "a", Type: arrow.PrimitiveTypes.Int64, MinInt: -128, MaxInt: 127}}, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	s := tab.Schema()
	if _, err := tab.Append([]arrow.RecordBatch{intBatch(t, s, []int64{1, 2}, nil)}); err != nil {
		t.Fatal(err)
	}
	old, err := tab.Splits(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, vals := range map[string][]int64{"duplicate key": {2}, "out of range": {300}} {
		if _, err := tab.Append([]arrow.RecordBatch{intBatch(t, s, vals, nil)}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := tab.Append([]arrow.RecordBatch{intBatch(t, s, []int64{0}, []bool{false})}); err == nil {
		t.Error("NULL primary key: no error")
	}
	if _, err := tab.Append([]arrow.RecordBatch{intBatch(t, s, []int64{3}, nil)}); err != nil {
		t.Fatal(err)
	}
	if got := tab.Statistics().RowCount; got != 3 {
		t.Errorf("row count %d, want 3", got)
	}
	// A split listed before the append still reads the old version.
	r, err := tab.Open(context.Background(), old[0], catalog.ScanOptions{Columns: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Next()
	if err != nil || b.NumRows() != 2 {
		t.Fatalf("old split: %v rows, err %v; want 2 rows", b, err)
	}
}

func TestConcurrentReadsDuringWrites(t *testing.T) {
	tab, _ := New("t", []Column{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)
	s := tab.Schema()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			tab.Lock()
			_, err := tab.Append([]arrow.RecordBatch{intBatch(t, s, []int64{int64(i)}, nil)})
			tab.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 200; i++ {
		splits, _ := tab.Splits(context.Background(), nil)
		var n int64
		for _, sp := range splits {
			r, err := tab.Open(context.Background(), sp, catalog.ScanOptions{Columns: []int{0}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := r.Next()
			n += b.NumRows()
		}
		_ = n
	}
	wg.Wait()
	if tab.NumRows() != 200 {
		t.Errorf("rows %d, want 200", tab.NumRows())
	}
}
