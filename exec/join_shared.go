package exec

import (
	"context"
	"sync"
)

// OncePerTask is a once-cell per execution: operators whose output
// partitions share work (a collected hash-join build side, the producers of
// a RepartitionExec) keep that shared state here, keyed by the *TaskContext
// the partitions are executed with. Execs stay immutable and can run many
// times, concurrently, each run with its own TaskContext.
//
// Every partition stream calls Get (on its first Next) and Release exactly
// once (on Close, whether or not it called Get). When Users releases have
// happened, the value is dropped and Cleanup runs. If the task's Ctx is
// cancelled first, the value is dropped and cleaned up then, so abandoned
// executions don't leak. The zero value is not usable: use NewOncePerTask.
type OncePerTask[T any] struct {
	users   int
	cleanup func(T)

	mu    sync.Mutex
	cells map[*TaskContext]*onceCell[T]
}

type onceCell[T any] struct {
	started  bool
	ready    chan struct{} // closed once init returned
	val      T
	err      error
	released int
	dropped  bool // removed from the map; cleanup is due (or done)
	cleaned  bool
	stop     func() bool // unregisters the cancellation hook
}

// NewOncePerTask returns a cell shared by users partitions; cleanup (may be
// nil) releases the value (memory reservations, goroutines) once it is
// no longer needed.
func NewOncePerTask[T any](users int, cleanup func(T)) *OncePerTask[T] {
	return &OncePerTask[T]{users: users, cleanup: cleanup, cells: map[*TaskContext]*onceCell[T]{}}
}

// cell returns ctx's cell, creating it (and its cancellation hook) when
// missing. o.mu must be held.
func (o *OncePerTask[T]) cell(ctx *TaskContext) *onceCell[T] {
	c := o.cells[ctx]
	if c == nil {
		c = &onceCell[T]{ready: make(chan struct{})}
		o.cells[ctx] = c
		c.stop = context.AfterFunc(ctx.Ctx, func() {
			o.mu.Lock()
			clean := o.dropLocked(ctx, c)
			o.mu.Unlock()
			o.runCleanup(clean, c)
		})
	}
	return c
}

// dropLocked removes c from the map; it reports whether the caller must
// run the cleanup (after unlocking). o.mu must be held.
func (o *OncePerTask[T]) dropLocked(ctx *TaskContext, c *onceCell[T]) bool {
	if c.dropped {
		return false
	}
	c.dropped = true
	if o.cells[ctx] == c {
		delete(o.cells, ctx)
	}
	return o.cleanDueLocked(c)
}

// cleanDueLocked reports (once) that the cell is both dropped and
// initialised, so its value must be cleaned up. o.mu must be held.
func (o *OncePerTask[T]) cleanDueLocked(c *onceCell[T]) bool {
	if !c.dropped || c.cleaned || !c.started {
		return false
	}
	select {
	case <-c.ready:
	default:
		return false // init still running: it cleans up when it returns
	}
	c.cleaned = true
	return o.cleanup != nil && c.err == nil
}

// runCleanup runs the cleanup outside the lock, since it may wait for goroutines.
func (o *OncePerTask[T]) runCleanup(due bool, c *onceCell[T]) {
	if due {
		o.cleanup(c.val)
	}
}

// Get returns ctx's value, running init the first time (concurrent callers
// wait for it). init's error is returned to every caller. Waiting callers
// return early with the context's error when the task is cancelled.
func (o *OncePerTask[T]) Get(ctx *TaskContext, init func() (T, error)) (T, error) {
	o.mu.Lock()
	c := o.cell(ctx)
	if !c.started {
		c.started = true
		o.mu.Unlock()
		val, err := init()
		o.mu.Lock()
		c.val, c.err = val, err
		close(c.ready)
		clean := o.cleanDueLocked(c)
		o.mu.Unlock()
		o.runCleanup(clean, c)
		return val, err
	}
	o.mu.Unlock()
	select {
	case <-c.ready:
		return c.val, c.err
	case <-ctx.Ctx.Done():
		var zero T
		return zero, ctx.Ctx.Err()
	}
}

// Release records that one partition is done with ctx's value.
func (o *OncePerTask[T]) Release(ctx *TaskContext) {
	o.mu.Lock()
	c := o.cell(ctx)
	c.released++
	clean := false
	if c.released >= o.users {
		c.stop()
		clean = o.dropLocked(ctx, c)
	}
	o.mu.Unlock()
	o.runCleanup(clean, c)
}

// active reports how many executions currently hold state (for tests).
func (o *OncePerTask[T]) active() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.cells)
}
