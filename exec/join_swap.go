package exec

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/logical"
)

// joinSwapMaxLeftRows bounds the probe (left) side of a Semi/Anti join that
// is built on instead of the right side. Such a join first reads ahead up to
// this many left rows (all partitions): when the left side ends within the
// bound, the hash table is built over the left rows and the right side
// streams through it in parallel, marking the left rows that have a match
// (the right side, often a big fact table in EXISTS subqueries, is then never
// materialised). Otherwise the read-ahead batches are handed back to their
// partitions and the join runs as usual, building on the right.
var joinSwapMaxLeftRows int64 = 1 << 18

// canSwap reports whether the join may build on its left side at run time.
func (e *HashJoinExec) canSwap() bool {
	return e.mode == JoinCollectBuild && (e.kind == logical.JoinSemi || e.kind == logical.JoinAnti)
}

// joinLeftState is the per-execution outcome of reading ahead the left side.
type joinLeftState struct {
	mu      sync.Mutex
	swapped bool
	// Not swapped: per left partition, its stream (nil once claimed) and the
	// batches read ahead from it.
	streams []Stream
	bufs    [][]arrow.RecordBatch
	// Swapped: the left columns and the left rows to output, ascending.
	cols []arrow.Array
	rows []int32
	res  *Reservation
}

func (st *joinLeftState) cleanup() {
	st.mu.Lock()
	for i, s := range st.streams {
		if s != nil {
			s.Close()
			st.streams[i] = nil
		}
	}
	st.bufs = nil
	st.mu.Unlock()
	if st.res != nil {
		st.res.Free()
	}
}

// claim hands left partition p, read-ahead batches first, to its probe stream.
func (st *joinLeftState) claim(p int) Stream {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := &joinPrefixStream{bufs: st.bufs[p], rest: st.streams[p]}
	st.bufs[p], st.streams[p] = nil, nil
	return s
}

// share is output partition p's part of the swapped result rows.
func (st *joinLeftState) share(p, parts int) []int32 {
	n := len(st.rows)
	return st.rows[p*n/parts : (p+1)*n/parts]
}

// joinPrefixStream yields some buffered batches, then the rest of a stream.
type joinPrefixStream struct {
	bufs []arrow.RecordBatch
	rest Stream
}

func (s *joinPrefixStream) Next() (arrow.RecordBatch, error) {
	if len(s.bufs) > 0 {
		b := s.bufs[0]
		s.bufs[0] = nil
		s.bufs = s.bufs[1:]
		return b, nil
	}
	if s.rest == nil {
		return nil, nil
	}
	return s.rest.Next()
}

func (s *joinPrefixStream) Close() {
	s.bufs = nil
	if s.rest != nil {
		s.rest.Close()
		s.rest = nil
	}
}

// readLeft reads ahead every left partition, concurrently, until all end or
// more than joinSwapMaxLeftRows rows arrived; in the first case it runs the
// whole join built on the left side.
func (e *HashJoinExec) readLeft(ctx *TaskContext) (*joinLeftState, error) {
	n := e.left.Partitions()
	st := &joinLeftState{
		streams: make([]Stream, n),
		bufs:    make([][]arrow.RecordBatch, n),
		res:     ctx.Memory.NewReservation("HashJoinExec(left)"),
	}
	for p := 0; p < n; p++ {
		s, err := e.left.Execute(ctx, p)
		if err != nil {
			st.cleanup()
			return nil, err
		}
		st.streams[p] = s
	}
	var (
		total  atomic.Int64
		failed atomic.Bool
		resMu  sync.Mutex
	)
	eof := make([]bool, n)
	errs := make([]error, n)
	read := func(p int) {
		for !failed.Load() && total.Load() <= joinSwapMaxLeftRows {
			b, err := st.streams[p].Next()
			if err == nil && b != nil && b.NumRows() > 0 {
				resMu.Lock()
				err = st.res.Grow(joinBatchBytes(b))
				resMu.Unlock()
			}
			if err != nil {
				errs[p] = err
				failed.Store(true)
				return
			}
			if b == nil {
				eof[p] = true
				return
			}
			if b.NumRows() == 0 {
				continue
			}
			st.bufs[p] = append(st.bufs[p], b)
			total.Add(b.NumRows())
		}
	}
	if n == 1 {
		read(0)
	} else {
		var wg sync.WaitGroup
		for p := 0; p < n; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				read(p)
			}()
		}
		wg.Wait()
	}
	err := joinFirstError(errs, ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		st.cleanup()
		return nil, err
	}
	allEOF := total.Load() <= joinSwapMaxLeftRows
	for _, done := range eof {
		allEOF = allEOF && done
	}
	if !allEOF {
		// Too big: the partitions probe as usual; the read-ahead batches
		// are theirs now.
		st.res.Free()
		return st, nil
	}
	for p, s := range st.streams {
		s.Close()
		st.streams[p] = nil
	}
	if err := e.swapJoin(ctx, st); err != nil {
		st.cleanup()
		return nil, err
	}
	return st, nil
}

// swapJoin builds the hash table on the collected left rows, streams the
// right side through it and keeps the left rows to output.
func (e *HashJoinExec) swapJoin(ctx *TaskContext, st *joinLeftState) error {
	parts := make([]joinCollectPart, len(st.bufs))
	for p, bs := range st.bufs {
		for _, b := range bs {
			kcols := make([]arrow.Array, len(e.leftKeys))
			for i, k := range e.leftKeys {
				a, err := k.Eval(b)
				if err != nil {
					return fmt.Errorf("HashJoinExec: evaluating probe key %s: %w", k, err)
				}
				kcols[i] = a
			}
			hashes := make([]uint64, b.NumRows())
			HashColumns(kcols, hashes)
			parts[p].batches = append(parts[p].batches, b)
			parts[p].keys = append(parts[p].keys, kcols)
			parts[p].hashes = append(parts[p].hashes, hashes)
		}
	}
	st.bufs = nil
	c, err := joinConcat(ctx, e.left.Schema(), parts, e.leftKeys)
	if err != nil {
		return err
	}
	// indexJoinTable returns the per-row hashes' share (reserved here) once built.
	if err := st.res.Grow(int64(8 * c.rows)); err != nil {
		return err
	}
	t, err := indexJoinTable(c, st.res, "HashJoinExec(left build)")
	if err != nil {
		return err
	}
	matched, err := e.swapProbe(ctx, t)
	if err != nil {
		return err
	}
	want := e.kind == logical.JoinSemi
	for r, m := range matched {
		if m == want {
			st.rows = append(st.rows, int32(r))
		}
	}
	st.cols = t.cols
	st.swapped = true
	// Only the columns stay: give back the table's index.
	st.res.Shrink(int64(16*len(t.slots) + 4*len(t.perm)))
	return nil
}

// swapProbe streams every right partition (concurrently) through the
// left-side table t and returns which left rows have a qualifying match.
func (e *HashJoinExec) swapProbe(ctx *TaskContext, t *hashJoinTable) ([]bool, error) {
	n := e.right.Partitions()
	matched := make([][]bool, n)
	errs := make([]error, n)
	sub, cancel := joinSubContext(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := make([]bool, t.rows)
			matched[p] = m
			if err := e.swapProbePartition(sub, p, t, m); err != nil {
				errs[p] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	if err := joinFirstError(errs, ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := matched[0]
	for _, m := range matched[1:] {
		for i, v := range m {
			out[i] = out[i] || v
		}
	}
	return out, nil
}

// swapProbePartition probes right partition p against t, setting m[row]
// for every left row with a key-equal right row for which the filter holds.
func (e *HashJoinExec) swapProbePartition(ctx *TaskContext, p int, t *hashJoinTable, m []bool) error {
	s, err := e.right.Execute(ctx, p)
	if err != nil {
		return err
	}
	defer s.Close()
	limit := ctx.BatchSize
	if limit <= 0 {
		limit = DefaultBatchSize
	}
	markOnly := e.filter == nil && t.intKey
	var (
		keys      []arrow.Array
		ints      []int64
		probeKeys []uint64
		pi, bi    []int32
		keep      []bool
	)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		n := int(b.NumRows())
		if n == 0 {
			continue
		}
		keys = keys[:0]
		for _, k := range e.rightKeys {
			a, err := k.Eval(b)
			if err != nil {
				return fmt.Errorf("HashJoinExec: evaluating build key %s: %w", k, err)
			}
			keys = append(keys, a)
		}
		nullRow := hashAnyNull(keys, n)
		if cap(probeKeys) < n {
			probeKeys = make([]uint64, n)
		}
		probeKeys = probeKeys[:n]
		if t.intKey {
			ints, _ = hashIntValues(keys[0], ints)
			for i, v := range ints {
				probeKeys[i] = uint64(v)
			}
		} else {
			HashColumns(keys, probeKeys)
		}
		flush := func() error {
			if len(pi) == 0 {
				return nil
			}
			defer func() { pi, bi = pi[:0], bi[:0] }()
			resetKeep := func() {
				if cap(keep) < len(pi) {
					keep = make([]bool, len(pi))
				}
				keep = keep[:len(pi)]
				for i := range keep {
					keep[i] = true
				}
			}
			if !t.intKey {
				resetKeep()
				for c := range keys {
					if err := hashKeysEqual(keys[c], t.keys[c], pi, bi, keep); err != nil {
						return fmt.Errorf("HashJoinExec: %w", err)
					}
				}
				w := 0
				for k, ok := range keep {
					if ok {
						pi[w], bi[w] = pi[k], bi[k]
						w++
					}
				}
				pi, bi = pi[:w], bi[:w]
			}
			if e.filter == nil {
				for _, r := range bi {
					m[r] = true
				}
				return nil
			}
			if len(pi) == 0 {
				return nil
			}
			cols := make([]arrow.Array, 0, e.pairSchema.NumFields())
			cols, err := joinTakeAll(t.cols, bi, cols)
			if err != nil {
				return fmt.Errorf("HashJoinExec: %w", err)
			}
			if cols, err = joinTakeAll(b.Columns(), pi, cols); err != nil {
				return fmt.Errorf("HashJoinExec: %w", err)
			}
			resetKeep()
			pb := array.NewRecordBatch(e.pairSchema, cols, int64(len(pi)))
			if _, err := joinEvalPredicate(e.filter, pb, keep, nil); err != nil {
				return fmt.Errorf("HashJoinExec: evaluating filter %s: %w", e.filter, err)
			}
			for k, ok := range keep {
				if ok {
					m[bi[k]] = true
				}
			}
			return nil
		}
		for r := 0; r < n; r++ {
			if nullRow != nil && nullRow[r] {
				continue
			}
			sl := &t.slots[t.slotOf(probeKeys[r])]
			if sl.count == 0 {
				continue
			}
			if sl.count == 1 {
				if m[sl.start] {
					continue
				}
				if markOnly {
					m[sl.start] = true
					continue
				}
				pi = append(pi, int32(r))
				bi = append(bi, int32(sl.start))
			} else {
				for _, br := range t.perm[sl.start : sl.start+sl.count] {
					if m[br] {
						continue
					}
					if markOnly {
						m[br] = true
						continue
					}
					pi = append(pi, int32(r))
					bi = append(bi, int32(br))
				}
			}
			if len(pi) >= limit {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
	}
}

// swapNext emits the next batch of this partition's share of the swapped
// join's result.
func (s *hashJoinStream) swapNext() (arrow.RecordBatch, error) {
	if len(s.swapRows) == 0 {
		s.done = true
		return nil, nil
	}
	k := min(len(s.swapRows), s.batchSize)
	chunk := s.swapRows[:k]
	s.swapRows = s.swapRows[k:]
	cols, err := joinTakeAll(s.leftState.cols, chunk, make([]arrow.Array, 0, s.e.schema.NumFields()))
	if err != nil {
		return nil, fmt.Errorf("HashJoinExec: %w", err)
	}
	return array.NewRecordBatch(s.e.schema, cols, int64(k)), nil
}
