package exec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/logical"
)

// JoinMode says how a HashJoinExec obtains its build side.
type JoinMode int

const (
	// JoinCollectBuild: the build (right) side is read from all its
	// partitions once, hashed, and shared by every output partition
	// (broadcast join on one node). Output partitions = left.Partitions().
	JoinCollectBuild JoinMode = iota
	// JoinPartitioned: left and right are both hash-partitioned on the join
	// keys with the same partition count (by RepartitionExec); partition i
	// joins left i with right i. Output partitions = left.Partitions().
	JoinPartitioned
)

func (m JoinMode) String() string {
	if m == JoinPartitioned {
		return "Partitioned"
	}
	return "CollectBuild"
}

// HashJoinExec is an equi-join: the build (right) side is loaded into a
// chained hash table, the probe (left) side streams through it.
type HashJoinExec struct {
	left, right         Exec
	kind                logical.JoinKind
	leftKeys, rightKeys []expr.Expr
	filter              expr.Expr
	mode                JoinMode
	markName            string
	schema              *arrow.Schema
	pairSchema          *arrow.Schema // left ++ right: what the filter reads
	shared              *OncePerTask[*hashJoinTable]
	leftShared          *OncePerTask[*joinLeftState] // canSwap joins only
}

// NewHashJoinExec builds an equi-join on leftKeys[i] = rightKeys[i] (keys
// have equal types pairwise; NULL keys never match). filter (may be nil) is
// a residual predicate over left++right, evaluated on key-matching pairs.
// The probe side is LEFT and the build side RIGHT for every kind. Output:
// left++right for Inner/Left/Right/Full (the side that may be unmatched
// becomes nullable), left only for Semi/Anti/AntiNullAware, left plus a
// BOOLEAN markName column for LeftMark. Right and Full need JoinPartitioned
// (each partition emits its unmatched build rows at its end);
// AntiNullAware and LeftMark need JoinCollectBuild (their NULL semantics
// depend on the whole right side).
func NewHashJoinExec(left, right Exec, kind logical.JoinKind, leftKeys, rightKeys []expr.Expr, filter expr.Expr, mode JoinMode, markName string) (*HashJoinExec, error) {
	if len(leftKeys) == 0 || len(leftKeys) != len(rightKeys) {
		return nil, fmt.Errorf("HashJoinExec: need the same non-zero number of left and right keys, got %d and %d", len(leftKeys), len(rightKeys))
	}
	for i := range leftKeys {
		lt, rt := leftKeys[i].DataType(), rightKeys[i].DataType()
		if !hashKeyTypesCompatible(lt, rt) {
			return nil, fmt.Errorf("HashJoinExec: key %d types differ: %s = %s", i, lt, rt)
		}
	}
	switch kind {
	case logical.JoinInner, logical.JoinLeft, logical.JoinSemi, logical.JoinAnti:
	case logical.JoinRight, logical.JoinFull:
		if mode != JoinPartitioned {
			return nil, fmt.Errorf("HashJoinExec: %s join needs mode Partitioned", kind)
		}
	case logical.JoinAntiNullAware, logical.JoinLeftMark:
		// Both depend on the whole right side (is it empty, has it a NULL
		// key?), which one partition of a partitioned build can't know.
		if mode != JoinCollectBuild {
			return nil, fmt.Errorf("HashJoinExec: %s join needs mode CollectBuild", kind)
		}
	default:
		return nil, fmt.Errorf("HashJoinExec: unsupported join kind %d", kind)
	}
	if mode == JoinPartitioned && left.Partitions() != right.Partitions() {
		return nil, fmt.Errorf("HashJoinExec: partitioned mode needs equal partition counts, got %d and %d", left.Partitions(), right.Partitions())
	}
	e := &HashJoinExec{
		left: left, right: right, kind: kind,
		leftKeys: leftKeys, rightKeys: rightKeys, filter: filter,
		mode: mode, markName: markName,
		schema:     joinOutputSchema(left.Schema(), right.Schema(), kind, markName),
		pairSchema: joinOutputSchema(left.Schema(), right.Schema(), logical.JoinInner, ""),
	}
	e.shared = NewOncePerTask(left.Partitions(), func(t *hashJoinTable) { t.res.Free() })
	if e.canSwap() {
		e.leftShared = NewOncePerTask(left.Partitions(), func(st *joinLeftState) { st.cleanup() })
	}
	return e, nil
}

// joinOutputSchema is the output schema of a join of the given kind.
func joinOutputSchema(l, r *arrow.Schema, kind logical.JoinKind, markName string) *arrow.Schema {
	var fields []arrow.Field
	switch kind {
	case logical.JoinSemi, logical.JoinAnti, logical.JoinAntiNullAware:
		return arrow.NewSchema(append(fields, l.Fields()...), nil)
	case logical.JoinLeftMark:
		fields = append(fields, l.Fields()...)
		return arrow.NewSchema(append(fields, arrow.Field{Name: markName, Type: arrow.FixedWidthTypes.Boolean, Nullable: true}), nil)
	}
	for _, f := range l.Fields() {
		if kind == logical.JoinRight || kind == logical.JoinFull {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	for _, f := range r.Fields() {
		if kind == logical.JoinLeft || kind == logical.JoinFull {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	return arrow.NewSchema(fields, nil)
}

func (e *HashJoinExec) Schema() *arrow.Schema   { return e.schema }
func (e *HashJoinExec) Children() []Exec        { return []Exec{e.left, e.right} }
func (e *HashJoinExec) Partitions() int         { return e.left.Partitions() }
func (e *HashJoinExec) Kind() logical.JoinKind  { return e.kind }
func (e *HashJoinExec) Mode() JoinMode          { return e.mode }
func (e *HashJoinExec) LeftKeys() []expr.Expr   { return e.leftKeys }
func (e *HashJoinExec) RightKeys() []expr.Expr  { return e.rightKeys }
func (e *HashJoinExec) Filter() expr.Expr       { return e.filter }
func (e *HashJoinExec) MarkName() string        { return e.markName }
func (e *HashJoinExec) Left() Exec              { return e.left }
func (e *HashJoinExec) Right() Exec             { return e.right }
func (e *HashJoinExec) joinKindHasPairs() bool  { return joinEmitsPairs(e.kind) }
func joinEmitsPairs(kind logical.JoinKind) bool { return kind <= logical.JoinFull }
func (e *HashJoinExec) existsOnly() bool        { return !e.joinKindHasPairs() && e.filter == nil }
func (e *HashJoinExec) tracksProbeMatches() bool {
	return e.kind != logical.JoinInner && e.kind != logical.JoinRight
}
func (e *HashJoinExec) tracksBuildMatches() bool {
	return e.kind == logical.JoinRight || e.kind == logical.JoinFull
}

func (e *HashJoinExec) String() string {
	on := make([]string, len(e.leftKeys))
	for i := range e.leftKeys {
		on[i] = e.leftKeys[i].String() + " = " + e.rightKeys[i].String()
	}
	s := fmt.Sprintf("HashJoinExec: mode=%s kind=%s on=[%s]", e.mode, e.kind, strings.Join(on, ", "))
	if e.filter != nil {
		s += " filter=" + e.filter.String()
	}
	if e.kind == logical.JoinLeftMark {
		s += " mark=" + e.markName
	}
	return s
}

// Execute starts output partition p: it probes left partition p against
// the build side (all of right, or right partition p).
func (e *HashJoinExec) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(e, p); err != nil {
		return nil, err
	}
	bs := ctx.BatchSize
	if bs <= 0 {
		bs = DefaultBatchSize
	}
	if e.leftShared != nil {
		// The left partitions are opened by readLeft, on the first Next.
		return &hashJoinStream{e: e, ctx: ctx, partition: p, batchSize: bs}, nil
	}
	left, err := e.left.Execute(ctx, p)
	if err != nil {
		if e.mode == JoinCollectBuild {
			e.shared.Release(ctx)
		}
		return nil, err
	}
	return &hashJoinStream{e: e, ctx: ctx, partition: p, left: left, batchSize: bs}, nil
}

// hashJoinTable is a build side: the concatenated right columns, the key
// columns and an open-addressing hash table over the rows whose keys are
// not NULL. Each slot holds one distinct key (the int64 value of a single
// integer-like key, else the 64-bit hash of the key tuple) with the count
// of its rows and where they are: the row itself when there is one (the
// common unique-key case costs one cache miss per probe), else a range of
// perm. It is read-only once built, so probe streams share it without locks.
type hashJoinTable struct {
	cols        []arrow.Array
	keys        []arrow.Array
	rows        int
	intKey      bool // slot keys are int64 values (no verification needed)
	slots       []hashSlot
	perm        []uint32 // rows grouped by slot, for slots with count > 1
	mask        uint64
	hasNullKey  bool
	nullKeyRows []int32
	res         *Reservation
}

type hashSlot struct {
	key   uint64
	start uint32 // the row when count == 1, else the first index into perm
	count uint32 // 0: empty slot
}

// home is the first slot probed for key.
func (t *hashJoinTable) home(key uint64) uint64 {
	if t.intKey {
		return hashMix64(key) & t.mask
	}
	return key & t.mask
}

// slotOf returns the slot index of key, or the empty slot where it belongs.
func (t *hashJoinTable) slotOf(key uint64) uint64 { return t.slotFrom(key, t.home(key)) }

// slotFrom is slotOf starting at slot i.
func (t *hashJoinTable) slotFrom(key, i uint64) uint64 {
	for {
		sl := &t.slots[i]
		if sl.count == 0 || sl.key == key {
			return i
		}
		i = (i + 1) & t.mask
	}
}

// hashJoinBuild collects the build side and indexes it.
func (e *HashJoinExec) hashJoinBuild(ctx *TaskContext, partitions []int, name string) (*hashJoinTable, error) {
	res := ctx.Memory.NewReservation(name)
	c, err := joinCollect(ctx, e.right, partitions, e.rightKeys, res)
	if err != nil {
		res.Free()
		return nil, fmt.Errorf("%s build side: %w", name, err)
	}
	return indexJoinTable(c, res, name)
}

// indexJoinTable builds the hash table over collected rows; res holds the
// collected memory and is freed on error.
func indexJoinTable(c *joinCollected, res *Reservation, name string) (*hashJoinTable, error) {
	t := &hashJoinTable{cols: c.cols, keys: c.keys, rows: c.rows, res: res}
	size := 16
	for size < t.rows+t.rows/2 {
		size <<= 1
	}
	t.intKey = len(t.keys) == 1 && hashIsIntLike(t.keys[0].DataType())
	if err := res.Grow(int64(16*size + 8*t.rows)); err != nil {
		res.Free()
		return nil, fmt.Errorf("%s hash table: %w", name, err)
	}
	keys := c.hashes
	if t.intKey {
		ints, _ := hashIntValues(t.keys[0], nil)
		keys = make([]uint64, t.rows)
		for i, v := range ints {
			keys[i] = uint64(v)
		}
	}
	t.slots = make([]hashSlot, size)
	t.mask = uint64(size - 1)
	t.index(keys, hashAnyNull(t.keys, t.rows))
	// Return what the table no longer holds: the per-row hashes reserved
	// while collecting, slotOfRow, and the unused part of perm.
	res.Shrink(int64(8*t.rows + 4*t.rows + 4*(t.rows-len(t.perm))))
	return t, nil
}

// hashJoinStream probes one left partition.
type hashJoinStream struct {
	e         *HashJoinExec
	ctx       *TaskContext
	partition int
	left      Stream
	batchSize int
	table     *hashJoinTable
	released  bool
	leftDone  bool
	done      bool

	// The probe batch in progress.
	batch     arrow.RecordBatch
	keys      []arrow.Array
	ints      []int64
	probeKeys []uint64 // per probe row: the slot key
	homes     []uint64 // per probe row: its home slot
	nullRow   []bool
	row       int    // next probe row
	skip      uint32 // matches of row already emitted (a row's matches may span calls)
	matched   []bool // per probe row: some pair passed

	buildMatched []bool // Right/Full: per build row
	unmatchedPos int    // Right/Full: next build row to consider at the end

	pi, bi []int32
	keep   []bool

	// canSwap joins: the outcome of reading ahead the left side.
	leftState *joinLeftState
	swapRows  []int32 // swapped: this partition's result rows still to emit
}

func (s *hashJoinStream) Close() {
	if s.left != nil {
		s.left.Close()
		s.left = nil
	}
	if s.released {
		return
	}
	s.released = true
	if s.e.leftShared != nil {
		s.e.leftShared.Release(s.ctx)
	}
	s.leftState = nil
	if s.e.mode == JoinCollectBuild {
		s.e.shared.Release(s.ctx)
	} else if s.table != nil {
		s.table.res.Free()
	}
	s.table = nil
}

func (s *hashJoinStream) Next() (arrow.RecordBatch, error) {
	if s.done || s.released {
		return nil, nil
	}
	if s.e.leftShared != nil && s.leftState == nil {
		st, err := s.e.leftShared.Get(s.ctx, func() (*joinLeftState, error) { return s.e.readLeft(s.ctx) })
		if err != nil {
			return nil, err
		}
		s.leftState = st
		if st.swapped {
			s.swapRows = st.share(s.partition, s.e.Partitions())
		} else {
			s.left = st.claim(s.partition)
		}
	}
	if s.leftState != nil && s.leftState.swapped {
		return s.swapNext()
	}
	if s.table == nil {
		if err := s.build(); err != nil {
			return nil, err
		}
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if s.batch != nil {
			out, err := s.probeStep()
			if err != nil {
				return nil, err
			}
			if out != nil {
				return out, nil
			}
			continue
		}
		if !s.leftDone {
			if s.table.rows == 0 && (s.e.kind == logical.JoinInner || s.e.kind == logical.JoinSemi || s.e.kind == logical.JoinRight) {
				s.leftDone = true // nothing on the left can produce output
				continue
			}
			b, err := s.left.Next()
			if err != nil {
				return nil, err
			}
			if b == nil {
				s.leftDone = true
				continue
			}
			if b.NumRows() == 0 {
				continue
			}
			if err := s.startProbe(b); err != nil {
				return nil, err
			}
			continue
		}
		if s.e.tracksBuildMatches() {
			if out, err := s.unmatchedBuild(); err != nil || out != nil {
				return out, err
			}
		}
		s.done = true
		return nil, nil
	}
}

func (s *hashJoinStream) build() error {
	var err error
	if s.e.mode == JoinCollectBuild {
		parts := make([]int, s.e.right.Partitions())
		for i := range parts {
			parts[i] = i
		}
		s.table, err = s.e.shared.Get(s.ctx, func() (*hashJoinTable, error) {
			return s.e.hashJoinBuild(s.ctx, parts, "HashJoinExec")
		})
	} else {
		s.table, err = s.e.hashJoinBuild(s.ctx, []int{s.partition}, fmt.Sprintf("HashJoinExec[%d]", s.partition))
	}
	if err != nil {
		s.table = nil
		return err
	}
	if s.e.tracksBuildMatches() {
		s.buildMatched = make([]bool, s.table.rows)
	}
	return nil
}

func (s *hashJoinStream) startProbe(b arrow.RecordBatch) error {
	n := int(b.NumRows())
	if cap(s.keys) < len(s.e.leftKeys) {
		s.keys = make([]arrow.Array, len(s.e.leftKeys))
	}
	s.keys = s.keys[:len(s.e.leftKeys)]
	for i, k := range s.e.leftKeys {
		a, err := k.Eval(b)
		if err != nil {
			return fmt.Errorf("HashJoinExec: evaluating probe key %s: %w", k, err)
		}
		s.keys[i] = a
	}
	s.nullRow = hashAnyNull(s.keys, n)
	if cap(s.homes) < n {
		s.homes = make([]uint64, n)
		s.probeKeys = make([]uint64, n)
	}
	s.homes, s.probeKeys = s.homes[:n], s.probeKeys[:n]
	t := s.table
	if t.intKey {
		s.ints, _ = hashIntValues(s.keys[0], s.ints)
		for i, v := range s.ints {
			s.probeKeys[i] = uint64(v)
		}
	} else {
		HashColumns(s.keys, s.probeKeys)
	}
	// Home slots are computed up front, separately from the probe loop, so
	// the CPU overlaps the cache misses of consecutive probes.
	for i, k := range s.probeKeys {
		s.homes[i] = t.home(k)
	}
	if s.e.tracksProbeMatches() {
		if cap(s.matched) < n {
			s.matched = make([]bool, n)
		}
		s.matched = s.matched[:n]
		clear(s.matched)
	}
	s.batch, s.row, s.skip = b, 0, 0
	return nil
}

// candidates fills s.pi/s.bi with up to limit (probe row, build row) pairs
// whose int keys (or key hashes) are equal, resuming where the last call
// stopped. Existence-only joins on the int path set matched directly.
func (s *hashJoinStream) candidates(limit int) {
	t := s.table
	n := int(s.batch.NumRows())
	pi, bi := s.pi[:0], s.bi[:0]
	existsOnly := s.e.existsOnly()
	for ; s.row < n; s.row, s.skip = s.row+1, 0 {
		r := s.row
		if s.nullRow != nil && s.nullRow[r] {
			continue
		}
		if existsOnly && !t.intKey && s.matched[r] {
			continue
		}
		key := s.probeKeys[r]
		sl := &t.slots[s.homes[r]]
		if sl.count != 0 && sl.key != key {
			sl = &t.slots[t.slotFrom(key, s.homes[r])]
		}
		if sl.count == 0 {
			continue
		}
		if existsOnly && t.intKey {
			s.matched[r] = true
			continue
		}
		room := limit - len(pi)
		if room == 0 {
			break
		}
		if sl.count == 1 {
			pi = append(pi, int32(r))
			bi = append(bi, int32(sl.start))
			continue
		}
		rows := t.perm[sl.start+s.skip : sl.start+sl.count]
		if len(rows) > room {
			rows = rows[:room]
			s.skip += uint32(room)
		} else {
			s.skip = 0
		}
		for _, b := range rows {
			pi = append(pi, int32(r))
			bi = append(bi, int32(b))
		}
		if s.skip != 0 {
			break // resume this row's matches on the next call
		}
	}
	s.pi, s.bi = pi, bi
}

// compact keeps the pairs whose keep flag is set.
func (s *hashJoinStream) compact() {
	w := 0
	for k, ok := range s.keep {
		if ok {
			s.pi[w], s.bi[w] = s.pi[k], s.bi[k]
			w++
		}
	}
	s.pi, s.bi = s.pi[:w], s.bi[:w]
}

func (s *hashJoinStream) resetKeep(n int) {
	if cap(s.keep) < n {
		s.keep = make([]bool, n)
	}
	s.keep = s.keep[:n]
	for i := range s.keep {
		s.keep[i] = true
	}
}

// probeStep advances the probe batch; it returns an output batch, or nil
// when the probe batch is finished (s.batch is then nil).
func (s *hashJoinStream) probeStep() (arrow.RecordBatch, error) {
	n := int(s.batch.NumRows())
	t := s.table
	for s.row < n {
		s.candidates(s.batchSize)
		if len(s.pi) == 0 {
			continue
		}
		if !t.intKey {
			s.resetKeep(len(s.pi))
			for c := range s.keys {
				if err := hashKeysEqual(s.keys[c], t.keys[c], s.pi, s.bi, s.keep); err != nil {
					return nil, fmt.Errorf("HashJoinExec: %w", err)
				}
			}
			s.compact()
		}
		var cols []arrow.Array
		if s.e.filter != nil && len(s.pi) > 0 {
			var err error
			cols, err = s.filterPairs()
			if err != nil {
				return nil, err
			}
		}
		if len(s.pi) == 0 {
			continue
		}
		if s.matched != nil {
			for _, r := range s.pi {
				s.matched[r] = true
			}
		}
		if s.buildMatched != nil {
			for _, b := range s.bi {
				s.buildMatched[b] = true
			}
		}
		if !s.e.joinKindHasPairs() {
			continue
		}
		if cols == nil {
			var err error
			if cols, err = s.gatherPairs(s.pi, s.bi); err != nil {
				return nil, err
			}
		}
		return array.NewRecordBatch(s.e.schema, cols, int64(len(s.pi))), nil
	}
	out, err := s.finishProbe()
	s.batch = nil
	s.keys = s.keys[:0]
	return out, err
}

// gatherPairs builds left[pi] ++ right[bi] (index -1: NULL).
func (s *hashJoinStream) gatherPairs(pi, bi []int32) ([]arrow.Array, error) {
	cols := make([]arrow.Array, 0, s.e.pairSchema.NumFields())
	var err error
	if lo, ok := joinContiguous(pi); ok {
		// Every probe row of a range matched once (a foreign-key join):
		// the left columns are a zero-copy slice of the batch.
		for _, c := range s.batch.Columns() {
			cols = append(cols, array.NewSlice(c, lo, lo+int64(len(pi))))
		}
	} else if cols, err = joinTakeAll(s.batch.Columns(), pi, cols); err != nil {
		return nil, fmt.Errorf("HashJoinExec: %w", err)
	}
	if cols, err = joinTakeAll(s.table.cols, bi, cols); err != nil {
		return nil, fmt.Errorf("HashJoinExec: %w", err)
	}
	return cols, nil
}

// joinContiguous reports whether idx is lo, lo+1, ..., lo+len(idx)-1.
func joinContiguous(idx []int32) (int64, bool) {
	if len(idx) == 0 || idx[0] < 0 {
		return 0, false
	}
	lo := idx[0]
	for k, i := range idx {
		if i != lo+int32(k) {
			return 0, false
		}
	}
	return int64(lo), true
}

// filterPairs evaluates the residual filter on the candidate pairs, keeps
// the pairs where it is TRUE and returns their gathered columns.
func (s *hashJoinStream) filterPairs() ([]arrow.Array, error) {
	cols, err := s.gatherPairs(s.pi, s.bi)
	if err != nil {
		return nil, err
	}
	n := len(s.pi)
	pb := array.NewRecordBatch(s.e.pairSchema, cols, int64(n))
	s.resetKeep(n)
	all, err := joinEvalPredicate(s.e.filter, pb, s.keep, nil)
	if err != nil {
		return nil, fmt.Errorf("HashJoinExec: evaluating filter %s: %w", s.e.filter, err)
	}
	if all {
		return cols, nil
	}
	var pos []int32
	for k, ok := range s.keep {
		if ok {
			pos = append(pos, int32(k))
		}
	}
	s.compact()
	if len(pos) == 0 || !s.e.joinKindHasPairs() {
		return nil, nil
	}
	return joinTakeAll(cols, pos, make([]arrow.Array, 0, len(cols)))
}

// joinEvalPredicate evaluates pred on b: keep[k] &= (pred is TRUE), and
// isNull[k] (when non-nil) is set where pred is NULL. It reports whether
// every row is TRUE.
func joinEvalPredicate(pred expr.Expr, b arrow.RecordBatch, keep []bool, isNull []bool) (bool, error) {
	a, err := pred.Eval(b)
	if err != nil {
		return false, err
	}
	defer a.Release()
	n := int(b.NumRows())
	if a.Len() != n {
		return false, fmt.Errorf("predicate returned %d rows for %d", a.Len(), n)
	}
	switch v := a.(type) {
	case *array.Boolean:
		all := true
		bm, off := hashValidity(v)
		for k := 0; k < n; k++ {
			if bm != nil && !joinBitSet(bm, off+k) {
				keep[k] = false
				all = false
				if isNull != nil {
					isNull[k] = true
				}
			} else if !v.Value(k) {
				keep[k] = false
				all = false
			}
		}
		return all, nil
	case *array.Null:
		for k := 0; k < n; k++ {
			keep[k] = false
			if isNull != nil {
				isNull[k] = true
			}
		}
		return n == 0, nil
	}
	return false, fmt.Errorf("predicate returned %s, want BOOLEAN", a.DataType())
}

func joinBitSet(bm []byte, i int) bool { return bm[i>>3]&(1<<(uint(i)&7)) != 0 }

// finishProbe emits what depends on the whole probe batch: unmatched left
// rows (Left/Full), or the rows and marks of the existence joins.
func (s *hashJoinStream) finishProbe() (arrow.RecordBatch, error) {
	n := int(s.batch.NumRows())
	var rows []int32
	switch s.e.kind {
	case logical.JoinInner, logical.JoinRight:
		return nil, nil
	case logical.JoinLeft, logical.JoinFull:
		for r, m := range s.matched {
			if !m {
				rows = append(rows, int32(r))
			}
		}
		if len(rows) == 0 {
			return nil, nil
		}
		cols, err := joinTakeAll(s.batch.Columns(), rows, make([]arrow.Array, 0, s.e.schema.NumFields()))
		if err != nil {
			return nil, fmt.Errorf("HashJoinExec: %w", err)
		}
		cols = joinNullColumns(s.e.right.Schema().Fields(), len(rows), cols)
		return array.NewRecordBatch(s.e.schema, cols, int64(len(rows))), nil
	case logical.JoinSemi, logical.JoinAnti:
		want := s.e.kind == logical.JoinSemi
		for r, m := range s.matched {
			if m == want {
				rows = append(rows, int32(r))
			}
		}
		return s.leftRows(rows, nil)
	}
	// LeftMark / AntiNullAware: matched → TRUE, else NULL when a NULL
	// comparison occurred with a qualifying right row, else FALSE.
	nullish, err := s.nullish()
	if err != nil {
		return nil, err
	}
	if s.e.kind == logical.JoinAntiNullAware {
		for r := 0; r < n; r++ {
			if !s.matched[r] && !nullish[r] {
				rows = append(rows, int32(r))
			}
		}
		return s.leftRows(rows, nil)
	}
	mb := array.NewBooleanBuilder(joinAlloc(s.ctx))
	defer mb.Release()
	mb.Reserve(n)
	for r := 0; r < n; r++ {
		switch {
		case s.matched[r]:
			mb.UnsafeAppend(true)
		case nullish[r]:
			mb.UnsafeAppendBoolToBitmap(false)
		default:
			mb.UnsafeAppend(false)
		}
	}
	mark := mb.NewArray()
	return s.leftRows(nil, mark)
}

// leftRows outputs the probe batch's rows (all when rows is nil and mark
// is set; none when rows is empty), plus the mark column if given.
func (s *hashJoinStream) leftRows(rows []int32, mark arrow.Array) (arrow.RecordBatch, error) {
	return joinLeftRows(s.e.schema, s.batch, rows, mark)
}

func joinLeftRows(schema *arrow.Schema, b arrow.RecordBatch, rows []int32, mark arrow.Array) (arrow.RecordBatch, error) {
	n := int(b.NumRows())
	var cols []arrow.Array
	switch {
	case mark != nil || len(rows) == n:
		cols = append(cols, b.Columns()...)
	case len(rows) == 0:
		return nil, nil
	default:
		var err error
		if cols, err = joinTakeAll(b.Columns(), rows, make([]arrow.Array, 0, schema.NumFields())); err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		n = len(rows)
	}
	if mark != nil {
		cols = append(cols, mark)
	}
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// nullish computes, for every unmatched probe row, whether the IN
// comparison is NULL rather than FALSE. Without a filter: the right side is
// non-empty and (the probe key or some build key is NULL). With a filter
// (correlated IN / NOT IN) only right rows for which the filter is TRUE
// count: a NULL probe key is compared with every build row, a non-NULL one
// with the build rows whose key is NULL.
func (s *hashJoinStream) nullish() ([]bool, error) {
	n := int(s.batch.NumRows())
	out := make([]bool, n)
	t := s.table
	if t.rows == 0 {
		return out, nil
	}
	if s.e.filter == nil {
		for r := range out {
			if !s.matched[r] && (t.hasNullKey || (s.nullRow != nil && s.nullRow[r])) {
				out[r] = true
			}
		}
		return out, nil
	}
	var nullProbe, otherProbe []int32
	for r := 0; r < n; r++ {
		if s.matched[r] {
			continue
		}
		if s.nullRow != nil && s.nullRow[r] {
			nullProbe = append(nullProbe, int32(r))
		} else if t.hasNullKey {
			otherProbe = append(otherProbe, int32(r))
		}
	}
	if err := s.anyFilterTrue(nullProbe, nil, out); err != nil {
		return nil, err
	}
	if err := s.anyFilterTrue(otherProbe, t.nullKeyRows, out); err != nil {
		return nil, err
	}
	return out, nil
}

// anyFilterTrue sets out[r] for each probe row r in probe for which the
// filter is TRUE with some build row in build (nil: every build row),
// evaluating the pairs in bounded chunks.
func (s *hashJoinStream) anyFilterTrue(probe, build []int32, out []bool) error {
	if len(probe) == 0 {
		return nil
	}
	nb := s.table.rows
	if build != nil {
		nb = len(build)
	}
	var pi, bi []int32
	flush := func() error {
		if len(pi) == 0 {
			return nil
		}
		cols, err := s.gatherPairs(pi, bi)
		if err != nil {
			return err
		}
		keep := make([]bool, len(pi))
		for i := range keep {
			keep[i] = true
		}
		if _, err := joinEvalPredicate(s.e.filter, array.NewRecordBatch(s.e.pairSchema, cols, int64(len(pi))), keep, nil); err != nil {
			return fmt.Errorf("HashJoinExec: evaluating filter %s: %w", s.e.filter, err)
		}
		for k, ok := range keep {
			if ok {
				out[pi[k]] = true
			}
		}
		pi, bi = pi[:0], bi[:0]
		return nil
	}
	for _, r := range probe {
		for j := 0; j < nb; j++ {
			b := int32(j)
			if build != nil {
				b = build[j]
			}
			pi = append(pi, r)
			bi = append(bi, b)
			if len(pi) >= s.batchSize {
				if err := flush(); err != nil {
					return err
				}
				if err := s.ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// unmatchedBuild emits, after the probe side ended, the build rows no probe
// row matched (Right/Full), a batch at a time; nil when done.
func (s *hashJoinStream) unmatchedBuild() (arrow.RecordBatch, error) {
	t := s.table
	var rows []int32
	for s.unmatchedPos < t.rows && len(rows) < s.batchSize {
		if !s.buildMatched[s.unmatchedPos] {
			rows = append(rows, int32(s.unmatchedPos))
		}
		s.unmatchedPos++
	}
	if len(rows) == 0 {
		return nil, nil
	}
	cols := joinNullColumns(s.e.left.Schema().Fields(), len(rows), make([]arrow.Array, 0, s.e.schema.NumFields()))
	cols, err := joinTakeAll(t.cols, rows, cols)
	if err != nil {
		return nil, fmt.Errorf("HashJoinExec: %w", err)
	}
	return array.NewRecordBatch(s.e.schema, cols, int64(len(rows))), nil
}
