package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/aloftdb/aloft/catalog"
)

type testSplit int

func (s testSplit) String() string       { return fmt.Sprintf("split %d", int(s)) }
func (s testSplit) EstimatedRows() int64 { return -1 }

// testTable has one batch per split: rows split*10 .. split*10+2 of (id, name).
type testTable struct {
	schema *arrow.Schema
	failAt int // split whose Open fails; -1 for none
}

func (t *testTable) Schema() *arrow.Schema           { return t.schema }
func (t *testTable) Statistics() *catalog.TableStats { return &catalog.TableStats{RowCount: -1} }
func (t *testTable) Location() string                { return "memory" }
func (t *testTable) Splits(ctx context.Context, preds []catalog.Predicate) ([]catalog.Split, error) {
	return nil, nil
}
func (t *testTable) Open(ctx context.Context, split catalog.Split, opts catalog.ScanOptions) (catalog.BatchReader, error) {
	sp := int(split.(testSplit))
	if sp == t.failAt {
		return nil, errors.New("disk on fire")
	}
	ids := testArray(arrow.PrimitiveTypes.Int64, sp*10, sp*10+1, sp*10+2)
	names := testArray(arrow.BinaryTypes.String, "a", "b", "c")
	all := []arrow.Array{ids, names}
	fields := make([]arrow.Field, len(opts.Columns))
	cols := make([]arrow.Array, len(opts.Columns))
	for i, c := range opts.Columns {
		fields[i], cols[i] = t.schema.Field(c), all[c]
	}
	b := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 3)
	if opts.Filter != nil {
		m, err := opts.Filter.Mask(b)
		if err != nil {
			return nil, err
		}
		if b, err = compute.FilterRecordBatch(ctx, b, m, compute.DefaultFilterOptions()); err != nil {
			return nil, err
		}
	}
	return &testReader{batches: []arrow.RecordBatch{b, b.NewSlice(0, 0)}}, nil
}

type testReader struct{ batches []arrow.RecordBatch }

func (r *testReader) Next() (arrow.RecordBatch, error) {
	if len(r.batches) == 0 {
		return nil, nil
	}
	b := r.batches[0]
	r.batches = r.batches[1:]
	return b, nil
}
func (r *testReader) Close() error { return nil }

func TestScanExec(t *testing.T) {
	tbl := &testTable{schema: testSchema("id", arrow.PrimitiveTypes.Int64, "name", arrow.BinaryTypes.String), failAt: -1}
	splits := []catalog.Split{testSplit(0), testSplit(1), testSplit(2)}
	out := testSchema("n", arrow.BinaryTypes.String, "i", arrow.PrimitiveTypes.Int64)
	scan := NewScanExec("t", tbl, splits, []int{1, 0}, out, nil, "", 2)
	if scan.Partitions() != 2 {
		t.Fatalf("partitions = %d", scan.Partitions())
	}
	if got, want := scan.String(), "ScanExec: t columns=[n, i] splits=3 partitions=2"; got != want {
		t.Errorf("String = %q want %q", got, want)
	}
	// Partition 0 reads splits 0 and 2, partition 1 reads split 1.
	if got, want := testJoin(testRows(mustCollect(t, scan))), "a|0\nb|1\nc|2\na|20\nb|21\nc|22\na|10\nb|11\nc|12"; got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if p := NewScanExec("t", tbl, splits, []int{0}, out, nil, "", 10).Partitions(); p != 3 {
		t.Errorf("partitions capped to %d, want 3", p)
	}
	if p := NewScanExec("t", tbl, nil, []int{0}, out, nil, "", 4); p.Partitions() != 1 || len(mustCollect(t, p)) != 0 {
		t.Errorf("no splits: want 1 empty partition")
	}

	filt := &testMaskFilter{}
	fs := NewScanExec("t", tbl, splits, []int{0}, testSchema("id", arrow.PrimitiveTypes.Int64), filt, "id > 11", 1)
	if got := testJoin(testRows(mustCollect(t, fs))); got != "12\n20\n21\n22" {
		t.Fatalf("filtered scan got %q", got)
	}
	if !strings.HasSuffix(fs.String(), "filter=id > 11") {
		t.Errorf("String = %q", fs.String())
	}

	tbl.failAt = 1
	_, err := Collect(testCtx(), scan)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "split 1") {
		t.Fatalf("err = %v", err)
	}
}

type testMaskFilter struct{}

func (*testMaskFilter) FilterColumns() []int { return []int{0} }
func (*testMaskFilter) Mask(b arrow.RecordBatch) (arrow.Array, error) {
	return testGreater(0, 11).fn(b)
}
