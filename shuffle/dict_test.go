package shuffle

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
)

// Dictionary-encoded columns survive a shuffle (each partition is its own
// IPC stream, so its dictionaries travel with it), and the split falls back
// to Arrow's Take for them.
func TestShuffleDictionaryColumn(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "d", Type: dt, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	var batches []arrow.RecordBatch
	for b := 0; b < 3; b++ {
		for i := 0; i < 500; i++ {
			bld.Field(0).(*array.Int64Builder).Append(int64(b*500 + i))
			db := bld.Field(1).(*array.BinaryDictionaryBuilder)
			if i%9 == 0 {
				db.AppendNull()
			} else if err := db.AppendString([]string{"AIR", "MAIL", "SHIP"}[(i+b)%3]); err != nil {
				t.Fatal(err)
			}
		}
		batches = append(batches, bld.NewRecordBatch())
	}
	x := startExecutor(t, 1<<30)
	id := mapID("qd", 1, 0)
	w, err := x.store.NewWriter(id, 3, schema)
	if err != nil {
		t.Fatal(err)
	}
	keys := []expr.Expr{expr.NewColumn(0, "k", arrow.PrimitiveTypes.Int64)}
	if _, err := WriteMapOutput(testTaskContext(), &sliceStream{batches: batches}, keys, 3, w); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	f := newTestFetcher(t, testSecret, "", nil)
	var got []arrow.RecordBatch
	for p := 0; p < 3; p++ {
		r, err := f.Fetch(context.Background(), x.addr, id.Partition(p))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, readAll(t, r)...)
	}
	sameRows(t, got, batches)
}
