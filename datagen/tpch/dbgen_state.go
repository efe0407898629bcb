package tpch

// This file reaches into the package-level state of the go-tpc dbgen port
// (github.com/pingcap/go-tpc/tpch/dbgen v1.0.7). The port only exposes
// InitDbGen(int64) and DbGen, which is not enough for two things we need:
//
//  1. Fractional scale factors (SF 0.01, 0.1, ...). The C dbgen handles
//     SF < 1 by running with scale = 1 and shrinking the per-table base row
//     counts (tdefs[i].base = int(1000*SF) * base / 1000, at least 1); all
//     derived maxima (customer key range for o_custkey, part key range for
//     l_partkey, supplier count in the part/supplier bridge, clerk count)
//     then follow from the shrunken bases. We do exactly the same by editing
//     dbgen's tDefs table after initTDefs and before initOrder/initLineItem.
//
//  2. Re-initialisation inside one process. InitDbGen appends to the
//     distribution tables every time it is called (readDist appends), so a
//     second call silently produces different data. It also rebuilds a 300 MB
//     text pool (~9 s). We therefore call InitDbGen exactly once per process
//     and afterwards reset only the per-run state (seeds, tdefs, order and
//     lineitem ranges). The text pool is deterministic (it is built from the
//     initial seed of stream 5, which nothing else uses), so reusing it
//     yields byte-identical rows.
//
// The go:linkname pulls below are bound to the exact version in go.mod; the
// tests in this package fail loudly if the layout or behaviour changes.

import (
	_ "unsafe" // for go:linkname

	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// dbgenTDef mirrors dbgen.tDef field for field (dssHuge is an int64).
type dbgenTDef struct {
	name    string
	comment string
	base    int64
	loader  dbgen.Loader
	genSeed func(dbgen.Table, int64)
	child   dbgen.Table
	vTotal  int64
}

//go:linkname dbgenScale github.com/pingcap/go-tpc/tpch/dbgen.scale
var dbgenScale int64

//go:linkname dbgenTDefs github.com/pingcap/go-tpc/tpch/dbgen.tDefs
var dbgenTDefs []dbgenTDef

//go:linkname dbgenInitSeeds github.com/pingcap/go-tpc/tpch/dbgen.initSeeds
func dbgenInitSeeds()

//go:linkname dbgenInitTDefs github.com/pingcap/go-tpc/tpch/dbgen.initTDefs
func dbgenInitTDefs()

//go:linkname dbgenInitOrder github.com/pingcap/go-tpc/tpch/dbgen.initOrder
func dbgenInitOrder()

//go:linkname dbgenInitLineItem github.com/pingcap/go-tpc/tpch/dbgen.initLineItem
func dbgenInitLineItem()

// dbgenPooled is true once InitDbGen has run in this process (distributions
// loaded, text pool built). Guarded by genMu.
var dbgenPooled bool

// resetDbgen puts dbgen into the state InitDbGen(SF) would produce for the
// given scale. intScale is the integer dbgen scale (>= 1); milli, when > 0,
// is int(1000*SF) for a fractional SF < 1 (intScale must be 1 then).
// Must be called with genMu held.
func resetDbgen(intScale int64, milli int64) {
	if !dbgenPooled {
		dbgen.InitDbGen(1)
		dbgenPooled = true
	}
	dbgenScale = intScale
	dbgenInitSeeds()
	dbgenInitTDefs()
	if milli > 0 {
		// Same as C dbgen's driver.c for flt_scale < MIN_SCALE: every table
		// before NATION (part, psupp, supp, cust, order, line, order_line,
		// part_psupp) gets its base scaled; nation/region stay fixed.
		for i := dbgen.TPart; i < dbgen.TNation; i++ {
			b := milli * dbgenTDefs[i].base / 1000
			if b < 1 {
				b = 1
			}
			dbgenTDefs[i].base = b
		}
	}
	dbgenInitOrder()
	dbgenInitLineItem()
}

// dbgenRowCount is the number of rows DbGen will generate for table t
// (for the combined generators: number of parts / orders).
func dbgenRowCount(t dbgen.Table) int64 {
	n := dbgenTDefs[t].base
	if t < dbgen.TNation {
		n *= dbgenScale
	}
	return n
}
