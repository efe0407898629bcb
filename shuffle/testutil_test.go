package shuffle

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
)

const testSecret = "s3cret-for-tests"

// lineitemSchema is a TPC-H-like schema: ints, decimals, a date and strings,
// nullable so that tests can put NULLs in.
var lineitemSchema = arrow.NewSchema([]arrow.Field{
	{Name: "l_orderkey", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "l_partkey", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "l_quantity", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
	{Name: "l_extendedprice", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
	{Name: "l_shipdate", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "l_shipmode", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "l_comment", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var (
	shipModes = []string{"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"}
	words     = strings.Fields("furiously quickly carefully final regular ironic express pending bold even special " +
		"deposits packages accounts requests theodolites instructions foxes pinto beans ideas dependencies " +
		"sleep haggle nag wake cajole boost detect integrate use among above across against")
)

// genBatch makes a batch of rows starting at order key first. nullEvery > 0
// puts a NULL in every column at rows divisible by it (shifted per column).
func genBatch(rng *rand.Rand, first int64, rows int, nullEvery int) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	bld := array.NewRecordBuilder(mem, lineitemSchema)
	defer bld.Release()
	isNull := func(r, col int) bool { return nullEvery > 0 && (r+col)%nullEvery == 0 }
	var sb strings.Builder
	for r := 0; r < rows; r++ {
		for c := 0; c < 7; c++ {
			if isNull(r, c) {
				bld.Field(c).AppendNull()
				continue
			}
			switch c {
			case 0:
				bld.Field(c).(*array.Int64Builder).Append(first + int64(r)/4)
			case 1:
				bld.Field(c).(*array.Int64Builder).Append(rng.Int64N(200000) + 1)
			case 2:
				bld.Field(c).(*array.Decimal128Builder).Append(decimal128.FromI64(100 * (rng.Int64N(50) + 1)))
			case 3:
				bld.Field(c).(*array.Decimal128Builder).Append(decimal128.FromI64(rng.Int64N(10_000_000) + 90000))
			case 4:
				bld.Field(c).(*array.Date32Builder).Append(arrow.Date32(8035 + rng.IntN(2526)))
			case 5:
				bld.Field(c).(*array.StringBuilder).Append(shipModes[rng.IntN(len(shipModes))])
			case 6:
				sb.Reset()
				for w := 0; w < 3+rng.IntN(4); w++ {
					if w > 0 {
						sb.WriteByte(' ')
					}
					sb.WriteString(words[rng.IntN(len(words))])
				}
				bld.Field(c).(*array.StringBuilder).Append(sb.String())
			}
		}
	}
	return bld.NewRecordBatch()
}

// genBatches makes count batches of rows rows each.
func genBatches(seed uint64, count, rows, nullEvery int) []arrow.RecordBatch {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]arrow.RecordBatch, count)
	for i := range out {
		out[i] = genBatch(rng, int64(seed)*1_000_000+int64(i*rows), rows, nullEvery)
	}
	return out
}

// rowStrings renders every row of the batches as one string, for comparing
// row multisets.
func rowStrings(batches []arrow.RecordBatch) []string {
	var out []string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			var sb strings.Builder
			for c := 0; c < int(b.NumCols()); c++ {
				col := b.Column(c)
				switch {
				case col.IsNull(r):
					sb.WriteString("NULL")
				case col.DataType().ID() == arrow.DECIMAL128: // ValueStr is slow
					v := col.(*array.Decimal128).Value(r)
					fmt.Fprintf(&sb, "%d:%d", v.HighBits(), v.LowBits())
				default:
					sb.WriteString(col.ValueStr(r))
				}
				sb.WriteByte('|')
			}
			out = append(out, sb.String())
		}
	}
	return out
}

// sameRows fails the test unless got and want hold the same rows (any order).
func sameRows(t testing.TB, got, want []arrow.RecordBatch) {
	t.Helper()
	g, w := rowStrings(got), rowStrings(want)
	slices.Sort(g)
	slices.Sort(w)
	if len(g) != len(w) {
		t.Fatalf("got %d rows, want %d", len(g), len(w))
	}
	for i := range g {
		if g[i] != w[i] {
			t.Fatalf("row %d differs:\n got  %s\n want %s", i, g[i], w[i])
		}
	}
}

// readAll drains a BatchReader.
func readAll(t testing.TB, r interface {
	Next() (arrow.RecordBatch, error)
	Close()
}) []arrow.RecordBatch {
	t.Helper()
	defer r.Close()
	var out []arrow.RecordBatch
	for {
		b, err := r.Next()
		if err != nil {
			t.Fatalf("reading: %v", err)
		}
		if b == nil {
			return out
		}
		out = append(out, b)
	}
}

// sliceStream is an exec.Stream over batches.
type sliceStream struct {
	batches []arrow.RecordBatch
	i       int
}

func (s *sliceStream) Next() (arrow.RecordBatch, error) {
	if s.i >= len(s.batches) {
		return nil, nil
	}
	s.i++
	return s.batches[s.i-1], nil
}

func (s *sliceStream) Close() {}

func testTaskContext() *exec.TaskContext { return exec.NewTaskContext(context.Background(), 0) }

// orderKey is the hash key the tests partition by.
var orderKey = []expr.Expr{expr.NewColumn(0, "l_orderkey", arrow.PrimitiveTypes.Int64)}

// writeMapOutput writes batches as map output id with numPartitions
// partitions (hashed on l_orderkey) and commits it.
func writeMapOutput(t testing.TB, s *Store, id MapOutputID, numPartitions int, batches []arrow.RecordBatch) []int64 {
	t.Helper()
	w, err := s.NewWriter(id, numPartitions, lineitemSchema)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := WriteMapOutput(testTaskContext(), &sliceStream{batches: batches}, orderKey, numPartitions, w)
	if err != nil {
		w.Abort()
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkPartitioned fails unless every row of batches hashes to partition p of n.
func checkPartitioned(t testing.TB, batches []arrow.RecordBatch, p, n int) {
	t.Helper()
	for _, b := range batches {
		h := make([]uint64, b.NumRows())
		exec.HashColumns([]arrow.Array{b.Column(0)}, h)
		for r, v := range h {
			if got := PartitionOf(v, n); got != p {
				t.Fatalf("row %d of partition %d hashes to partition %d", r, p, got)
			}
		}
	}
}

func mapID(q string, stage, m int) MapOutputID {
	return MapOutputID{Query: q, Stage: stage, MapTask: m}
}
