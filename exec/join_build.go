package exec

import (
	"math/bits"
	"runtime"
	"sync"
)

// joinParallelBuildRows is the build size from which the hash table is
// indexed by several goroutines (one per slot region).
var joinParallelBuildRows = 1 << 17

// index fills the slots (and perm) from the rows' slot keys. Rows whose
// nullRow flag is set are left out (nullKeyRows). Large tables are indexed
// by one goroutine per contiguous region of slots: a goroutine inserts the
// rows whose home slot lies in its region, and a row whose probe sequence
// would leave the region is inserted afterwards, serially. Linear probing
// then finds every key exactly as if the rows had been inserted one by one.
func (t *hashJoinTable) index(keys []uint64, nullRow []bool) {
	if nullRow != nil {
		for i, isNull := range nullRow[:t.rows] {
			if isNull {
				t.nullKeyRows = append(t.nullKeyRows, int32(i))
			}
		}
	}
	t.hasNullKey = len(t.nullKeyRows) > 0
	slotOfRow := make([]uint32, t.rows)
	parts := 1
	if t.rows >= joinParallelBuildRows {
		parts = 1 << (bits.Len(uint(min(runtime.GOMAXPROCS(0), 8))) - 1)
	}
	if parts > len(t.slots)/16 {
		parts = 1
	}
	multi := 0 // rows in slots with count > 1
	if parts == 1 {
		for i := 0; i < t.rows; i++ {
			if nullRow != nil && nullRow[i] {
				continue
			}
			multi += t.addRow(t.slotOf(keys[i]), i, keys[i], slotOfRow)
		}
	} else {
		shift := uint(bits.Len(uint(len(t.slots)))-1) - uint(bits.Len(uint(parts))-1)
		multis := make([]int, parts)
		overflow := make([][]int32, parts)
		t.forRegions(parts, func(r int) {
			lo := uint64(r) << shift
			hi := lo + 1<<shift
			m := 0
			var over []int32
			for i := 0; i < t.rows; i++ {
				k := keys[i]
				h := t.home(k)
				if h>>shift != uint64(r) || (nullRow != nil && nullRow[i]) {
					continue
				}
				si := h
				for {
					sl := &t.slots[si]
					if sl.count == 0 || sl.key == k {
						break
					}
					if si++; si == hi {
						break
					}
				}
				if si == hi {
					over = append(over, int32(i))
					continue
				}
				m += t.addRow(si, i, k, slotOfRow)
			}
			multis[r], overflow[r] = m, over
		})
		for r := range parts {
			multi += multis[r]
			for _, i := range overflow[r] {
				multi += t.addRow(t.slotOf(keys[i]), int(i), keys[i], slotOfRow)
			}
		}
	}
	if multi == 0 {
		return
	}
	// Lay the duplicate keys' rows out contiguously, in input order: start
	// first points past each range, then is decremented per row.
	t.perm = make([]uint32, multi)
	if parts == 1 {
		t.assignRanges(0, len(t.slots), 0)
		t.fillPerm(slotOfRow, nullRow, 0, uint32(len(t.slots)))
		return
	}
	per := len(t.slots) / parts
	sums := make([]uint32, parts)
	t.forRegions(parts, func(r int) {
		n := uint32(0)
		for i := r * per; i < (r+1)*per; i++ {
			if c := t.slots[i].count; c > 1 {
				n += c
			}
		}
		sums[r] = n
	})
	t.forRegions(parts, func(r int) {
		base := uint32(0)
		for _, s := range sums[:r] {
			base += s
		}
		t.assignRanges(r*per, (r+1)*per, base)
		t.fillPerm(slotOfRow, nullRow, uint32(r*per), uint32((r+1)*per))
	})
}

// forRegions runs f(0..parts-1) concurrently and waits.
func (t *hashJoinTable) forRegions(parts int, f func(r int)) {
	var wg sync.WaitGroup
	for r := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(r)
		}()
	}
	wg.Wait()
}

// addRow records row i (slot key k) in slot si; it returns how many rows
// it added to multi-row slots.
func (t *hashJoinTable) addRow(si uint64, i int, k uint64, slotOfRow []uint32) int {
	sl := &t.slots[si]
	slotOfRow[i] = uint32(si)
	switch sl.count {
	case 0:
		sl.key, sl.start, sl.count = k, uint32(i), 1
		return 0
	case 1:
		sl.count++
		return 2
	}
	sl.count++
	return 1
}

// assignRanges points start past each multi-row slot's range in perm, for
// slots [lo, hi), whose ranges begin at base.
func (t *hashJoinTable) assignRanges(lo, hi int, base uint32) {
	pos := base
	for i := lo; i < hi; i++ {
		if sl := &t.slots[i]; sl.count > 1 {
			pos += sl.count
			sl.start = pos
		}
	}
}

// fillPerm places the rows of multi-row slots in [lo, hi) into perm.
func (t *hashJoinTable) fillPerm(slotOfRow []uint32, nullRow []bool, lo, hi uint32) {
	for i := t.rows - 1; i >= 0; i-- {
		si := slotOfRow[i]
		if si < lo || si >= hi || (nullRow != nil && nullRow[i]) {
			continue
		}
		if sl := &t.slots[si]; sl.count > 1 {
			sl.start--
			t.perm[sl.start] = uint32(i)
		}
	}
}
