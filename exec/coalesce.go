package exec

import (
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// CoalesceExec merges all input partitions into one output partition. The
// inputs are read concurrently, one goroutine each, into a channel; the
// order of batches across partitions is not preserved.
type CoalesceExec struct {
	input Exec
}

// NewCoalesceExec returns a CoalesceExec over input.
func NewCoalesceExec(input Exec) *CoalesceExec { return &CoalesceExec{input: input} }

func (e *CoalesceExec) Schema() *arrow.Schema { return e.input.Schema() }
func (e *CoalesceExec) Children() []Exec      { return []Exec{e.input} }
func (e *CoalesceExec) Partitions() int       { return 1 }
func (e *CoalesceExec) String() string {
	return fmt.Sprintf("CoalesceExec: partitions=%d", e.input.Partitions())
}

func (e *CoalesceExec) Execute(ctx *TaskContext, p int) (Stream, error) {
	if err := checkPartition(e, p); err != nil {
		return nil, err
	}
	if e.input.Partitions() == 1 {
		// Nothing to merge: no goroutine, no channel.
		return e.input.Execute(ctx, 0)
	}
	return &coalesceStream{e: e, ctx: ctx}, nil
}

type coalesceItem struct {
	b   arrow.RecordBatch
	err error
}

// coalesceStream owns its producers: it is the only consumer, so the
// per-execution state lives in the stream.
type coalesceStream struct {
	e        *CoalesceExec
	ctx      *TaskContext
	started  bool
	ch       chan coalesceItem
	finished chan struct{} // closed when every producer has exited
	cancel   func()
	done     bool
}

func (s *coalesceStream) start() {
	s.started = true
	sub, cancel := joinSubContext(s.ctx)
	s.cancel = cancel
	n := s.e.input.Partitions()
	s.ch = make(chan coalesceItem, 2*n)
	s.finished = make(chan struct{})
	var wg sync.WaitGroup
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send := func(it coalesceItem) bool {
				select {
				case s.ch <- it:
					return true
				case <-sub.Ctx.Done():
					return false
				}
			}
			in, err := s.e.input.Execute(sub, p)
			if err != nil {
				send(coalesceItem{err: fmt.Errorf("CoalesceExec input partition %d: %w", p, err)})
				return
			}
			defer in.Close()
			for {
				b, err := in.Next()
				if err != nil {
					send(coalesceItem{err: fmt.Errorf("CoalesceExec input partition %d: %w", p, err)})
					return
				}
				if b == nil {
					return
				}
				if b.NumRows() == 0 {
					continue
				}
				if !send(coalesceItem{b: b}) {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(s.ch)
		close(s.finished)
	}()
}

func (s *coalesceStream) Next() (arrow.RecordBatch, error) {
	if s.done {
		return nil, nil
	}
	if !s.started {
		s.start()
	}
	select {
	case it, ok := <-s.ch:
		if !ok {
			s.done = true
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
			return nil, nil
		}
		if it.err != nil {
			s.done = true
			s.cancel()
			return nil, it.err
		}
		return it.b, nil
	case <-s.ctx.Ctx.Done():
		s.done = true
		return nil, s.ctx.Err()
	}
}

// Close stops the producers and waits for them, so none outlives the stream.
func (s *coalesceStream) Close() {
	s.done = true
	if !s.started {
		return
	}
	s.cancel()
	<-s.finished
}
