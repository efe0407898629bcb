package exec

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/aloftdb/aloft/exec/expr"
)

// repartSoftLimit is how many bytes the producers of one repartition may
// buffer before they wait for consumers. It is a soft limit: producers
// keep going while some consumer waits on an empty queue, which is what
// rules out deadlock whatever order (or concurrency) the outputs are read
// in. Everything buffered is accounted in the memory pool.
var repartSoftLimit int64 = 32 << 20

// RepartitionExec redistributes its input into n partitions: by the hash of
// keys (rows with equal keys meet in the same partition, which partitioned
// joins and aggregations rely on) or, with no keys, round-robin by batch.
type RepartitionExec struct {
	input  Exec
	keys   []expr.Expr
	n      int
	shared *OncePerTask[*repartState]
}

// NewRepartitionExec hash-repartitions input into n partitions by keys
// (HashColumns mod n); nil keys distribute whole batches round-robin. All
// input partitions are read concurrently, one goroutine each, once the first
// output partition is read.
func NewRepartitionExec(input Exec, keys []expr.Expr, n int) *RepartitionExec {
	n = max(n, 1)
	return &RepartitionExec{
		input: input, keys: keys, n: n,
		shared: NewOncePerTask(n, func(s *repartState) { s.stop() }),
	}
}

func (e *RepartitionExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *RepartitionExec) Children() []Exec      { return []Exec{e.input} }
func (e *RepartitionExec) Partitions() int       { return e.n }

// Keys are the hash keys (nil: round-robin).
func (e *RepartitionExec) Keys() []expr.Expr { return e.keys }

func (e *RepartitionExec) String() string {
	if len(e.keys) == 0 {
		return fmt.Sprintf("RepartitionExec: round_robin partitions=%d", e.n)
	}
	ks := make([]string, len(e.keys))
	for i, k := range e.keys {
		ks[i] = k.String()
	}
	return fmt.Sprintf("RepartitionExec: hash=[%s] partitions=%d", strings.Join(ks, ", "), e.n)
}

func (e *RepartitionExec) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(e, p); err != nil {
		return nil, err
	}
	return &repartStream{e: e, ctx: ctx, p: p}, nil
}

// repartState is one execution's exchange: producers push split batches
// into per-output queues, consumers pop them.
type repartState struct {
	e      *RepartitionExec
	parent *TaskContext
	sub    *TaskContext // the producers' context, cancelled by stop

	mu sync.Mutex
	// Two conditions, so waking one side never wakes (and spins) the other.
	consCond *sync.Cond // consumers: a batch arrived, producers ended, error
	prodCond *sync.Cond // producers: memory freed or a consumer starves
	queues   [][]repartItem
	closed   []bool // consumer gone: drop its rows
	waiting  int    // consumers blocked on an empty queue
	buffered int64
	res      *Reservation
	running  int // producers not finished
	err      error
	stopped  bool
	rr       int // round-robin cursor

	cancel     context.CancelFunc
	stopParent func() bool
	wg         sync.WaitGroup
}

type repartItem struct {
	b    arrow.RecordBatch
	size int64
}

func (e *RepartitionExec) start(ctx *TaskContext) *repartState {
	sub, cancel := joinSubContext(ctx)
	s := &repartState{
		e: e, parent: ctx, sub: sub, cancel: cancel,
		queues: make([][]repartItem, e.n),
		closed: make([]bool, e.n),
		res:    ctx.Memory.NewReservation("RepartitionExec"),
	}
	s.consCond = sync.NewCond(&s.mu)
	s.prodCond = sync.NewCond(&s.mu)
	// Wake every waiter when the query is cancelled.
	s.stopParent = context.AfterFunc(ctx.Ctx, func() {
		s.fail(ctx.Ctx.Err())
	})
	parts := e.input.Partitions()
	s.running = parts
	for p := 0; p < parts; p++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			err := s.produce(p)
			if err != nil {
				s.fail(fmt.Errorf("RepartitionExec input partition %d: %w", p, err))
			}
			s.mu.Lock()
			s.running--
			s.consCond.Broadcast()
			s.mu.Unlock()
		}()
	}
	return s
}

// fail records the first error, wakes everyone and stops the producers.
func (s *repartState) fail(err error) {
	s.mu.Lock()
	if s.err == nil && !s.stopped {
		s.err = err
	}
	s.wakeAll()
	s.mu.Unlock()
	s.cancel()
}

// wakeAll wakes every waiter. s.mu must be held.
func (s *repartState) wakeAll() {
	s.consCond.Broadcast()
	s.prodCond.Broadcast()
}

// stop ends the execution once every output is closed: producers are
// cancelled and awaited, buffered memory is returned.
func (s *repartState) stop() {
	s.mu.Lock()
	s.stopped = true
	for i := range s.queues {
		s.queues[i] = nil
	}
	s.buffered = 0
	s.res.Free()
	s.wakeAll()
	s.mu.Unlock()
	s.stopParent()
	s.cancel()
	s.wg.Wait()
}

func (s *repartState) produce(p int) error {
	in, err := s.e.input.Execute(s.sub, p)
	if err != nil {
		return err
	}
	defer in.Close()
	n := s.e.n
	var hashes []uint64
	var counts []int
	var idx []int32
	var targets []int32
	keyCols := make([]arrow.Array, len(s.e.keys))
	for {
		b, err := in.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		rows := int(b.NumRows())
		if rows == 0 {
			continue
		}
		if len(s.e.keys) == 0 || n == 1 {
			s.mu.Lock()
			t := s.rr % n
			s.rr++
			s.mu.Unlock()
			if !s.push(t, b) {
				return nil
			}
			continue
		}
		for i, k := range s.e.keys {
			if keyCols[i], err = k.Eval(b); err != nil {
				return fmt.Errorf("evaluating key %s: %w", k, err)
			}
		}
		if cap(hashes) < rows {
			hashes = make([]uint64, rows)
			targets = make([]int32, rows)
			idx = make([]int32, rows)
		}
		hashes, targets, idx = hashes[:rows], targets[:rows], idx[:rows]
		HashColumns(keyCols, hashes)
		counts = append(counts[:0], make([]int, n+1)...)
		for r, h := range hashes {
			// The high bits pick the partition; hash tables downstream use
			// the low bits, so partitions don't skew their buckets.
			t, _ := bits.Mul64(h, uint64(n))
			targets[r] = int32(t)
			counts[t+1]++
		}
		for t := 1; t <= n; t++ {
			counts[t] += counts[t-1]
		}
		starts := append([]int(nil), counts[:n]...)
		for r, t := range targets {
			idx[counts[t]] = int32(r)
			counts[t]++
		}
		for t := 0; t < n; t++ {
			lo, hi := starts[t], counts[t]
			if lo == hi {
				continue
			}
			out := b
			if hi-lo != rows {
				cols, err := joinTakeAll(b.Columns(), idx[lo:hi], make([]arrow.Array, 0, b.NumCols()))
				if err != nil {
					return fmt.Errorf("splitting batch: %w", err)
				}
				out = array.NewRecordBatch(s.e.input.Schema(), cols, int64(hi-lo))
			}
			if !s.push(t, out) {
				return nil
			}
		}
	}
}

// push queues b for output t, then applies backpressure. It returns false
// when the producer should stop (cancelled, failed or all outputs closed).
func (s *repartState) push(t int, b arrow.RecordBatch) bool {
	size := joinBatchBytes(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.err != nil {
		return false
	}
	if !s.closed[t] {
		if err := s.res.Grow(size); err != nil {
			s.err = err
			s.wakeAll()
			s.cancel()
			return false
		}
		s.queues[t] = append(s.queues[t], repartItem{b: b, size: size})
		s.buffered += size
		s.consCond.Broadcast()
	}
	for s.buffered > repartSoftLimit && s.waiting == 0 && !s.stopped && s.err == nil {
		s.prodCond.Wait()
	}
	return !s.stopped && s.err == nil
}

// pop returns output t's next batch, nil at its end.
func (s *repartState) pop(t int) (arrow.RecordBatch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.err != nil {
			return nil, s.err
		}
		if s.stopped {
			// Only cancellation stops the state under a live consumer.
			if err := s.parent.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("RepartitionExec: execution stopped")
		}
		if q := s.queues[t]; len(q) > 0 {
			it := q[0]
			q[0] = repartItem{}
			s.queues[t] = q[1:]
			s.buffered -= it.size
			s.res.Shrink(it.size)
			if s.buffered+it.size > repartSoftLimit {
				s.prodCond.Broadcast()
			}
			return it.b, nil
		}
		if s.running == 0 {
			return nil, nil
		}
		s.waiting++
		s.prodCond.Broadcast() // a producer held back by the soft limit may go on
		s.consCond.Wait()
		s.waiting--
	}
}

// closeOutput drops output t's queue; producers discard its rows from now on.
func (s *repartState) closeOutput(t int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed[t] {
		return
	}
	s.closed[t] = true
	for _, it := range s.queues[t] {
		s.buffered -= it.size
		s.res.Shrink(it.size)
	}
	s.queues[t] = nil
	s.prodCond.Broadcast()
}

type repartStream struct {
	e      *RepartitionExec
	ctx    *TaskContext
	p      int
	state  *repartState
	closed bool
	done   bool
}

func (r *repartStream) Next() (arrow.RecordBatch, error) {
	if r.closed || r.done {
		return nil, nil
	}
	if r.state == nil {
		st, err := r.e.shared.Get(r.ctx, func() (*repartState, error) { return r.e.start(r.ctx), nil })
		if err != nil {
			return nil, err
		}
		r.state = st
	}
	b, err := r.state.pop(r.p)
	if b == nil && err == nil {
		r.done = true
	}
	return b, err
}

func (r *repartStream) Close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.state != nil {
		r.state.closeOutput(r.p)
	}
	r.e.shared.Release(r.ctx)
}
