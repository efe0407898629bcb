package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/aloftdb/aloft/exec/expr"
)

// joinCollected is a fully read join input: one array per column (the
// batches concatenated), optionally the evaluated key columns and their
// row hashes.
type joinCollected struct {
	cols   []arrow.Array
	keys   []arrow.Array
	hashes []uint64
	rows   int
}

// joinCollectPart is what one input partition produced.
type joinCollectPart struct {
	batches []arrow.RecordBatch
	keys    [][]arrow.Array // per batch, per key
	hashes  [][]uint64      // per batch
}

// joinSubContext derives a TaskContext whose cancellation the caller
// controls, so a failing partition can stop its siblings promptly.
func joinSubContext(ctx *TaskContext) (*TaskContext, context.CancelFunc) {
	cctx, cancel := context.WithCancel(ctx.Ctx)
	sub := *ctx
	sub.Ctx = cctx
	return &sub, cancel
}

// joinCollect reads the given partitions of input (concurrently, one
// goroutine each, when there are several), evaluates keys and hashes per
// batch in those goroutines, reserves the memory held in res (guarded here,
// since a Reservation is single-threaded), and concatenates the result.
func joinCollect(ctx *TaskContext, input Exec, partitions []int, keys []expr.Expr, res *Reservation) (*joinCollected, error) {
	parts := make([]joinCollectPart, len(partitions))
	var resMu sync.Mutex
	var failed atomic.Bool
	readPart := func(tc *TaskContext, slot int) error {
		s, err := input.Execute(tc, partitions[slot])
		if err != nil {
			return err
		}
		defer s.Close()
		part := &parts[slot]
		for !failed.Load() {
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
			size := joinBatchBytes(b)
			var kcols []arrow.Array
			var hashes []uint64
			if len(keys) > 0 {
				kcols = make([]arrow.Array, len(keys))
				for i, k := range keys {
					a, err := k.Eval(b)
					if err != nil {
						return fmt.Errorf("evaluating join key %s: %w", k, err)
					}
					kcols[i] = a
					if _, isCol := k.(*expr.Column); !isCol {
						size += joinArrayBytes(a)
					}
				}
				hashes = make([]uint64, n)
				HashColumns(kcols, hashes)
				size += int64(8 * n)
			}
			resMu.Lock()
			err = res.Grow(size)
			resMu.Unlock()
			if err != nil {
				return err
			}
			part.batches = append(part.batches, b)
			part.keys = append(part.keys, kcols)
			part.hashes = append(part.hashes, hashes)
		}
		return nil
	}

	if len(partitions) == 1 {
		if err := readPart(ctx, 0); err != nil {
			return nil, err
		}
	} else {
		sub, cancel := joinSubContext(ctx)
		defer cancel()
		errs := make([]error, len(partitions))
		var wg sync.WaitGroup
		for i := range partitions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := readPart(sub, i); err != nil {
					errs[i] = err
					failed.Store(true)
					cancel()
				}
			}()
		}
		wg.Wait()
		if err := joinFirstError(errs, ctx); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return joinConcat(ctx, input.Schema(), parts, keys)
}

// joinFirstError picks the most useful error: a real failure rather than
// the cancellation it caused in sibling partitions.
func joinFirstError(errs []error, ctx *TaskContext) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		if !errors.Is(err, context.Canceled) && ctx.Err() == nil {
			return err
		}
	}
	return first
}

// joinConcat concatenates the collected batches column by column.
func joinConcat(ctx *TaskContext, schema *arrow.Schema, parts []joinCollectPart, keys []expr.Expr) (*joinCollected, error) {
	alloc := ctx.Alloc
	if alloc == nil {
		alloc = memory.DefaultAllocator
	}
	out := &joinCollected{}
	var batches []arrow.RecordBatch
	for _, p := range parts {
		batches = append(batches, p.batches...)
		for _, b := range p.batches {
			out.rows += int(b.NumRows())
		}
	}
	if out.rows > 1<<32-2 {
		return nil, fmt.Errorf("join side of %d rows exceeds the 4 billion row limit", out.rows)
	}
	concat := func(arrs []arrow.Array, dt arrow.DataType) (arrow.Array, error) {
		switch len(arrs) {
		case 0:
			return array.MakeArrayOfNull(alloc, dt, 0), nil
		case 1:
			arrs[0].Retain()
			return arrs[0], nil
		}
		a, err := array.Concatenate(arrs, alloc)
		if err != nil {
			return nil, fmt.Errorf("concatenating %d batches of %s: %w", len(arrs), dt, err)
		}
		return a, nil
	}
	arrs := make([]arrow.Array, 0, len(batches))
	out.cols = make([]arrow.Array, schema.NumFields())
	for c := range out.cols {
		arrs = arrs[:0]
		for _, b := range batches {
			arrs = append(arrs, b.Column(c))
		}
		a, err := concat(arrs, schema.Field(c).Type)
		if err != nil {
			return nil, err
		}
		out.cols[c] = a
	}
	if len(keys) == 0 {
		return out, nil
	}
	out.keys = make([]arrow.Array, len(keys))
	for k, ke := range keys {
		if col, ok := ke.(*expr.Column); ok && col.Index < len(out.cols) {
			out.keys[k] = out.cols[col.Index]
			continue
		}
		arrs = arrs[:0]
		for _, p := range parts {
			for _, kc := range p.keys {
				arrs = append(arrs, kc[k])
			}
		}
		a, err := concat(arrs, ke.DataType())
		if err != nil {
			return nil, err
		}
		out.keys[k] = a
	}
	out.hashes = make([]uint64, 0, out.rows)
	for _, p := range parts {
		for _, h := range p.hashes {
			out.hashes = append(out.hashes, h...)
		}
	}
	return out, nil
}
