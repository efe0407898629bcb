package shuffle

import (
	"context"
	"sync"
	"sync/atomic"
)

// byteBudget is a counting semaphore of bytes: the bound on bytes in flight
// of one reducer. A request larger than the whole budget is clamped to it,
// so one huge batch can still pass (alone).
type byteBudget struct {
	limit int64
	mu    sync.Mutex
	cond  *sync.Cond
	used  int64
	peak  *atomic.Int64 // highest used seen, shared with the Fetcher's stats
}

func newByteBudget(limit int64, peak *atomic.Int64) *byteBudget {
	b := &byteBudget{limit: limit, peak: peak}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// clamp is what acquiring n really takes.
func (b *byteBudget) clamp(n int64) int64 { return min(max(n, 0), b.limit) }

// acquire waits until n bytes (clamped) fit, or ctx ends. It returns the
// bytes taken, to give back with release.
func (b *byteBudget) acquire(ctx context.Context, n int64) (int64, error) {
	n = b.clamp(n)
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+n > b.limit {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		b.cond.Wait()
	}
	b.used += n
	for {
		p := b.peak.Load()
		if b.used <= p || b.peak.CompareAndSwap(p, b.used) {
			break
		}
	}
	return n, nil
}

func (b *byteBudget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.cond.Broadcast()
	b.mu.Unlock()
}
