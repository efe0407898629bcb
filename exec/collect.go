package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// Collect runs every partition of plan concurrently (one goroutine per
// partition) and returns all batches in partition order, then batch order.
// The first error cancels the other partitions and is returned.
func Collect(ctx *TaskContext, plan Exec) ([]arrow.RecordBatch, error) {
	n := plan.Partitions()
	cctx, cancel := context.WithCancel(ctx.Ctx)
	defer cancel()
	tc := *ctx
	tc.Ctx = cctx

	results := make([][]arrow.RecordBatch, n)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		// A cancellation caused by another partition's failure is not the
		// interesting error: keep the first real one.
		if firstErr == nil || (errors.Is(firstErr, context.Canceled) && !errors.Is(err, context.Canceled)) {
			firstErr = err
		}
		cancel()
	}
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			batches, err := opCollectPartition(&tc, plan, p)
			if err != nil {
				fail(err)
				return
			}
			results[p] = batches
		}(p)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Ctx.Err(); err != nil {
		return nil, err
	}
	var out []arrow.RecordBatch
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

// opCollectPartition drains one partition. A panic in an operator is turned
// into an error so one bad batch cannot take the whole process down.
func opCollectPartition(ctx *TaskContext, plan Exec, p int) (out []arrow.RecordBatch, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("partition %d of %s: internal error: %v", p, plan.String(), r)
		}
	}()
	s, err := plan.Execute(ctx, p)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	for {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			return out, nil
		}
		out = append(out, b)
	}
}
