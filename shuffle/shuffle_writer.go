package shuffle

import (
	"fmt"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
)

// PartitionOf maps a row hash (exec.HashColumns) to one of n partitions. It
// is the mapping exec.RepartitionExec uses: the high bits of the hash pick
// the partition (bits.Mul64), because hash tables downstream use the low
// bits. Every process agrees on it, and a shuffle partitions exactly like a
// local repartition with the same keys and count.
func PartitionOf(hash uint64, n int) int {
	p, _ := bits.Mul64(hash, uint64(n))
	return int(p)
}

// WriteMapOutput is the body of a map task (Ballista's ShuffleWriterExec):
// it reads input to its end and writes every row to the partition of
// w chosen by the hash of keys (PartitionOf(exec.HashColumns(keys))). With
// no keys, whole batches go round-robin; with one partition, everything goes
// to partition 0 (a gather). It returns the rows written per partition. It
// neither commits nor aborts w: the caller commits on success (to get the
// partition sizes) and aborts on error.
func WriteMapOutput(ctx *exec.TaskContext, input exec.Stream, keys []expr.Expr, numPartitions int, w *Writer) ([]int64, error) {
	if numPartitions != w.NumPartitions() {
		return nil, fmt.Errorf("shuffle: %s: writing %d partitions into a writer of %d", w.ID(), numPartitions, w.NumPartitions())
	}
	n := numPartitions
	rows := make([]int64, n)
	var (
		hashes  []uint64
		targets []int32
		perm    []int32
		counts  = make([]int, n+1)
		keyCols = make([]arrow.Array, len(keys))
		rr      = w.ID().MapTask // round-robin cursor: map tasks start apart
	)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := input.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			return rows, nil
		}
		nr := int(b.NumRows())
		if nr == 0 {
			continue
		}
		if n == 1 || len(keys) == 0 {
			t := rr % n
			rr++
			if err := w.Write(t, b); err != nil {
				return nil, err
			}
			rows[t] += int64(nr)
			continue
		}
		for i, k := range keys {
			if keyCols[i], err = k.Eval(b); err != nil {
				return nil, fmt.Errorf("shuffle: evaluating key %s: %w", k, err)
			}
		}
		if cap(hashes) < nr {
			hashes, targets, perm = make([]uint64, nr), make([]int32, nr), make([]int32, nr)
		}
		hashes, targets, perm = hashes[:nr], targets[:nr], perm[:nr]
		exec.HashColumns(keyCols, hashes)
		for i := range keyCols {
			keyCols[i].Release()
			keyCols[i] = nil
		}
		// Counting sort of the rows by target partition.
		clear(counts)
		for r, h := range hashes {
			t := PartitionOf(h, n)
			targets[r] = int32(t)
			counts[t+1]++
		}
		for t := 1; t <= n; t++ {
			counts[t] += counts[t-1]
		}
		begin := append([]int(nil), counts[:n]...) // partition starts; counts[t] becomes t's end
		for r, t := range targets {
			perm[counts[t]] = int32(r)
			counts[t]++
		}
		if err := writeSplit(w, b, perm, begin, counts[:n], rows); err != nil {
			return nil, err
		}
	}
}

// writeSplit gathers b's rows in perm order once (one new array per column),
// then writes the slice [begin[t], end[t]) of the result to partition t.
func writeSplit(w *Writer, b arrow.RecordBatch, perm []int32, begin, end []int, rows []int64) error {
	nr := int(b.NumRows())
	for t := range begin {
		if end[t]-begin[t] == nr { // every row goes to t: no copy
			rows[t] += int64(nr)
			return w.Write(t, b)
		}
	}
	cols := make([]arrow.Array, b.NumCols())
	for i, c := range b.Columns() {
		var err error
		if cols[i], err = exec.Take(c, perm); err != nil {
			return fmt.Errorf("shuffle: splitting batch: %w", err)
		}
	}
	sorted := array.NewRecordBatch(b.Schema(), cols, int64(nr))
	for _, c := range cols {
		c.Release()
	}
	defer sorted.Release()
	for t := range begin {
		lo, hi := begin[t], end[t]
		if lo == hi {
			continue
		}
		s := sorted.NewSlice(int64(lo), int64(hi))
		err := w.Write(t, s)
		s.Release()
		if err != nil {
			return err
		}
		rows[t] += int64(hi - lo)
	}
	return nil
}
