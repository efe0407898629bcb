package exec

import (
	"fmt"
	"sync"
)

// MemoryPool accounts for the memory that buffering operators (hash
// aggregation, hash join build sides, sort) hold, against a limit
// (executor.memory). Operators reserve before they grow; going over the limit
// is an error naming the operator, never an out-of-memory crash. A later
// spilling operator will react to that error by spilling instead.
type MemoryPool struct {
	mu    sync.Mutex
	limit int64 // <= 0: unlimited
	used  int64
	peak  int64
}

// NewMemoryPool returns a pool with the given limit in bytes (<= 0 means unlimited).
func NewMemoryPool(limit int64) *MemoryPool { return &MemoryPool{limit: limit} }

// Used returns the bytes currently reserved.
func (p *MemoryPool) Used() int64 { p.mu.Lock(); defer p.mu.Unlock(); return p.used }

// Peak returns the most bytes ever reserved at once.
func (p *MemoryPool) Peak() int64 { p.mu.Lock(); defer p.mu.Unlock(); return p.peak }

// Limit returns the pool's limit (<= 0: unlimited).
func (p *MemoryPool) Limit() int64 { return p.limit }

// NewReservation registers a consumer, named after the operator that holds
// the memory ("HashAggregateExec[2]").
func (p *MemoryPool) NewReservation(consumer string) *Reservation {
	return &Reservation{pool: p, consumer: consumer}
}

// MemoryLimitError reports a reservation the pool could not grant.
type MemoryLimitError struct {
	Consumer  string
	Requested int64
	Used      int64
	Limit     int64
}

func (e *MemoryLimitError) Error() string {
	return fmt.Sprintf("memory limit exceeded: %s asked for %s more, but %s of the %s limit (executor.memory) is in use",
		e.Consumer, HumanBytes(e.Requested), HumanBytes(e.Used), HumanBytes(e.Limit))
}

// Reservation is one consumer's share of a pool. It is not safe for
// concurrent use; each stream holds its own.
type Reservation struct {
	pool     *MemoryPool
	consumer string
	size     int64
}

// Size is the bytes currently held.
func (r *Reservation) Size() int64 { return r.size }

// Grow reserves n more bytes or fails with a *MemoryLimitError.
func (r *Reservation) Grow(n int64) error {
	if n <= 0 {
		return nil
	}
	p := r.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limit > 0 && p.used+n > p.limit {
		return &MemoryLimitError{Consumer: r.consumer, Requested: n, Used: p.used, Limit: p.limit}
	}
	p.used += n
	if p.used > p.peak {
		p.peak = p.used
	}
	r.size += n
	return nil
}

// Resize grows or shrinks the reservation to exactly n bytes.
func (r *Reservation) Resize(n int64) error {
	if n > r.size {
		return r.Grow(n - r.size)
	}
	r.Shrink(r.size - n)
	return nil
}

// Shrink returns n bytes to the pool.
func (r *Reservation) Shrink(n int64) {
	if n > r.size {
		n = r.size
	}
	if n <= 0 {
		return
	}
	r.pool.mu.Lock()
	r.pool.used -= n
	r.pool.mu.Unlock()
	r.size -= n
}

// Free returns everything the reservation holds.
func (r *Reservation) Free() { r.Shrink(r.size) }

// HumanBytes prints a byte count as 1.5 GiB, 20.0 MiB, 512 B.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
