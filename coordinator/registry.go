package coordinator

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// ExecutorInfo is a registered executor as the coordinator sees it.
type ExecutorInfo struct {
	Addr  string
	Cores int
	// Registered and LastHeartbeat are when it registered and was last
	// heard from.
	Registered    time.Time
	LastHeartbeat time.Time
}

// registry tracks the executors: their slots (cores) and when each was
// last heard from. An executor silent for longer than timeout is lost: it
// is no longer scheduled on and is removed (by reap); it comes back by
// registering again.
type registry struct {
	timeout time.Duration
	now     func() time.Time
	onLost  func(ExecutorInfo)

	mu      sync.Mutex
	members map[string]*ExecutorInfo
}

func newRegistry(timeout time.Duration, onLost func(ExecutorInfo)) *registry {
	return &registry{timeout: timeout, now: time.Now, onLost: onLost, members: make(map[string]*ExecutorInfo)}
}

// register adds or refreshes an executor.
func (r *registry) register(addr string, cores int) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.members[addr] = &ExecutorInfo{Addr: addr, Cores: cores, Registered: now, LastHeartbeat: now}
}

// heartbeat records that addr is alive; false when it is not registered
// (never, or declared lost since).
func (r *registry) heartbeat(addr string) bool {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.members[addr]
	if !ok || now.Sub(m.LastHeartbeat) > r.timeout {
		// Too late: it is lost even if reap has not run yet.
		r.removeLocked(addr)
		return false
	}
	m.LastHeartbeat = now
	return true
}

// live returns the healthy executors, ordered by address.
func (r *registry) live() []ExecutorInfo {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ExecutorInfo
	for _, m := range r.members {
		if now.Sub(m.LastHeartbeat) <= r.timeout {
			out = append(out, *m)
		}
	}
	slices.SortFunc(out, func(a, b ExecutorInfo) int { return strings.Compare(a.Addr, b.Addr) })
	return out
}

// reap removes the executors whose heartbeats stopped.
func (r *registry) reap() {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for addr, m := range r.members {
		if now.Sub(m.LastHeartbeat) > r.timeout {
			r.removeLocked(addr)
		}
	}
}

func (r *registry) removeLocked(addr string) {
	m, ok := r.members[addr]
	if !ok {
		return
	}
	delete(r.members, addr)
	if r.onLost != nil {
		r.onLost(*m)
	}
}
