package exec

import (
	"math/rand"
	"slices"
	"testing"
)

// TestHashJoinTableParallelIndex checks that indexing by slot regions finds
// the same rows, in the same order, per key as indexing serially.
func TestHashJoinTableParallelIndex(t *testing.T) {
	old := joinParallelBuildRows
	defer func() { joinParallelBuildRows = old }()
	rng := rand.New(rand.NewSource(1))
	for _, intKey := range []bool{true, false} {
		for _, rows := range []int{1, 100, 5000, 40000} {
			keys := make([]uint64, rows)
			nullRow := make([]bool, rows)
			for i := range keys {
				keys[i] = uint64(rng.Intn(rows/3 + 1))
				if !intKey {
					keys[i] = hashMix64(keys[i]) // clustered hashes exercise region overflow
					keys[i] &^= 0xff
				}
				nullRow[i] = rng.Intn(50) == 0
			}
			if !intKey && rows == 40000 {
				// Distinct keys sharing the last home slot of the first
				// region (65536 slots, 2 or more regions) spill past it.
				for i := 0; i < 40; i++ {
					keys[i] = 32767 + uint64(i%10)<<16
					nullRow[i] = false
				}
			}
			build := func(threshold int) *hashJoinTable {
				joinParallelBuildRows = threshold
				size := 16
				for size < rows+rows/2 {
					size <<= 1
				}
				tb := &hashJoinTable{rows: rows, intKey: intKey, slots: make([]hashSlot, size), mask: uint64(size - 1)}
				tb.index(keys, nullRow)
				return tb
			}
			serial, par := build(1<<30), build(0)
			lookup := func(tb *hashJoinTable, k uint64) []uint32 {
				sl := &tb.slots[tb.slotOf(k)]
				switch sl.count {
				case 0:
					return nil
				case 1:
					return []uint32{sl.start}
				}
				return tb.perm[sl.start : sl.start+sl.count]
			}
			for i, k := range keys {
				a, b := lookup(serial, k), lookup(par, k)
				if !slices.Equal(a, b) {
					t.Fatalf("intKey=%v rows=%d key of row %d: serial %v, parallel %v", intKey, rows, i, a, b)
				}
				if !nullRow[i] && !slices.Contains(b, uint32(i)) {
					t.Fatalf("intKey=%v rows=%d: row %d missing under its key", intKey, rows, i)
				}
			}
			if !slices.Equal(serial.nullKeyRows, par.nullKeyRows) {
				t.Fatalf("null key rows differ")
			}
		}
	}
}
