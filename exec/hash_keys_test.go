package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func TestHashColumnsConsistency(t *testing.T) {
	hash := func(cols ...arrow.Array) []uint64 {
		out := make([]uint64, cols[0].Len())
		HashColumns(cols, out)
		return out
	}
	// Slices (array offsets) hash like fresh arrays with the same values.
	ints := joinCol(arrow.PrimitiveTypes.Int64, 5, nil, 7, 9)
	strs := joinCol(arrow.BinaryTypes.String, "x", "y", nil, "zz")
	decs := joinCol(joinDec, 1, 2, 3, nil)
	full := hash(ints, strs, decs)
	sliced := hash(array.NewSlice(ints, 1, 4), array.NewSlice(strs, 1, 4), array.NewSlice(decs, 1, 4))
	for i := range sliced {
		if sliced[i] != full[i+1] {
			t.Errorf("row %d: sliced hash differs", i)
		}
	}
	// NULL combines deterministically whatever lies under it.
	a := hash(joinCol(arrow.PrimitiveTypes.Int64, 1, 1), joinCol(arrow.PrimitiveTypes.Int64, nil, nil))
	if a[0] != a[1] {
		t.Error("equal tuples with NULL hash differently")
	}
	// Integer widths hash by value; different values differ.
	i32 := hash(joinCol(arrow.PrimitiveTypes.Int32, 5, -3))
	i64 := hash(joinCol(arrow.PrimitiveTypes.Int64, 5, -3))
	if i32[0] != i64[0] || i32[1] != i64[1] || i64[0] == i64[1] {
		t.Error("integer hashing not by value")
	}
	f := hash(joinCol(arrow.PrimitiveTypes.Float64, 0.0, -1*0.0, 1.5))
	if f[0] != f[1] || f[0] == f[2] {
		t.Error("float hashing: -0 must equal 0")
	}
	b := hash(joinCol(arrow.FixedWidthTypes.Boolean, true, false, true))
	if b[0] != b[2] || b[0] == b[1] {
		t.Error("bool hashing")
	}
}

func TestJoinTakeTypes(t *testing.T) {
	idx := []int32{2, -1, 0, 0}
	for _, src := range []arrow.Array{
		joinCol(arrow.PrimitiveTypes.Int64, 1, nil, 3),
		joinCol(arrow.PrimitiveTypes.Int32, 1, nil, 3),
		joinCol(arrow.BinaryTypes.String, "a", nil, "ccc"),
		joinCol(arrow.FixedWidthTypes.Boolean, true, nil, false),
		joinCol(joinDec, 1, nil, 3),
		joinCol(arrow.FixedWidthTypes.Date32, 1, nil, 3),
		joinCol(arrow.PrimitiveTypes.Float64, 1.5, nil, 3.5),
		array.NewSlice(joinCol(arrow.BinaryTypes.String, "zz", "a", nil, "ccc"), 1, 4),
	} {
		got, err := joinTake(src, idx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{joinCell(src, 2), "NULL", joinCell(src, 0), joinCell(src, 0)}
		for k := range idx {
			if c := joinCell(got, k); c != want[k] {
				t.Errorf("%s row %d: got %s want %s", src.DataType(), k, c, want[k])
			}
		}
	}
}
