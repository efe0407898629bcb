package distplan

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/shuffle"
)

// Resolve returns the plan of stage s ready to run: its StageInputs
// replaced by shuffle readers. locations(stageID, partition) lists where
// partition `partition` of every finished map task of stage stageID is (one
// Location per map task, whose ID.MapTask is the task's partition); it is
// called here, once per StageInput partition, so the readers see a
// snapshot.
//
// A StageInput below the probe (left) side of a semi or anti collect-build
// hash join becomes an OrderedShuffleReaderExec: such a join may read its
// whole left side in every task and build on it, and then every task must
// see the left rows in the same order (a ShuffleReaderExec yields batches
// in arrival order).
func Resolve(s *Stage, locations func(stageID, partition int) []shuffle.Location, fetcher *shuffle.Fetcher) (exec.Exec, error) {
	if s == nil || s.Plan == nil {
		return nil, fmt.Errorf("distplan: Resolve: no stage plan")
	}
	if fetcher == nil {
		return nil, fmt.Errorf("distplan: Resolve stage %d: no fetcher", s.ID)
	}
	r := &resolver{locations: locations, fetcher: fetcher}
	return r.resolve(s.Plan, false)
}

type resolver struct {
	locations func(stageID, partition int) []shuffle.Location
	fetcher   *shuffle.Fetcher
}

func (r *resolver) resolve(e exec.Exec, ordered bool) (exec.Exec, error) {
	if in, ok := e.(*StageInput); ok {
		return r.reader(in, ordered)
	}
	old := e.Children()
	if len(old) == 0 {
		return e, nil
	}
	orderedChild := make([]bool, len(old))
	for i := range old {
		orderedChild[i] = ordered
	}
	if j, ok := e.(*exec.HashJoinExec); ok && j.Mode() == exec.JoinCollectBuild &&
		(j.Kind() == logical.JoinSemi || j.Kind() == logical.JoinAnti) {
		orderedChild[0] = true
	}
	children := make([]exec.Exec, len(old))
	for i, c := range old {
		nc, err := r.resolve(c, orderedChild[i])
		if err != nil {
			return nil, err
		}
		children[i] = nc
	}
	return WithChildren(e, children)
}

// reader builds the shuffle reader of a StageInput.
func (r *resolver) reader(in *StageInput, ordered bool) (exec.Exec, error) {
	id := in.StageID()
	n := in.Partitions()
	parts := make([][]shuffle.Location, n)
	switch in.Mode() {
	case InputHash:
		for p := range n {
			parts[p] = byMapTask(r.locations(id, p))
		}
	case InputSingle:
		parts[0] = byMapTask(r.locations(id, 0))
	case InputBroadcast:
		var all []shuffle.Location
		for q := range in.MapPartitions() {
			all = append(all, byMapTask(r.locations(id, q))...)
		}
		parts[0] = all
	case InputSorted:
		locs := r.locations(id, 0)
		for _, l := range locs {
			t := l.ID.MapTask
			if t < 0 || t >= n {
				return nil, fmt.Errorf("distplan: %s: map task %d out of range [0,%d)", in, t, n)
			}
			if len(parts[t]) > 0 {
				return nil, fmt.Errorf("distplan: %s: map task %d has two locations", in, t)
			}
			parts[t] = []shuffle.Location{l}
		}
		for t, p := range parts {
			if len(p) == 0 {
				return nil, fmt.Errorf("distplan: %s: no location for map task %d", in, t)
			}
		}
	default:
		return nil, fmt.Errorf("distplan: %s: unknown mode", in)
	}
	locate := func(p int) []shuffle.Location { return parts[p] }
	if ordered {
		return &OrderedShuffleReaderExec{schema: in.Schema(), stage: id, parts: parts, fetcher: r.fetcher}, nil
	}
	return shuffle.NewShuffleReaderExec(in.Schema(), n, locate, r.fetcher).WithStage(id), nil
}

// byMapTask orders locations by map task (a copy).
func byMapTask(locs []shuffle.Location) []shuffle.Location {
	out := slices.Clone(locs)
	slices.SortStableFunc(out, func(a, b shuffle.Location) int { return a.ID.MapTask - b.ID.MapTask })
	return out
}

// OrderedShuffleReaderExec reads a stage's map outputs like a
// ShuffleReaderExec, but one location after the other in the order given,
// so that the batches of a partition come in the same order on every run.
type OrderedShuffleReaderExec struct {
	schema  *arrow.Schema
	stage   int
	parts   [][]shuffle.Location
	fetcher *shuffle.Fetcher
}

func (e *OrderedShuffleReaderExec) Schema() *arrow.Schema { return e.schema }
func (e *OrderedShuffleReaderExec) Children() []exec.Exec { return nil }
func (e *OrderedShuffleReaderExec) Partitions() int       { return len(e.parts) }
func (e *OrderedShuffleReaderExec) String() string {
	return fmt.Sprintf("OrderedShuffleReaderExec: stage=%d partitions=%d", e.stage, len(e.parts))
}

func (e *OrderedShuffleReaderExec) Execute(ctx *exec.TaskContext, p int) (exec.Stream, error) {
	if p < 0 || p >= len(e.parts) {
		return nil, fmt.Errorf("%s: partition %d out of range [0,%d)", e, p, len(e.parts))
	}
	return &orderedStream{e: e, ctx: ctx, locs: e.parts[p]}, nil
}

type orderedStream struct {
	e    *OrderedShuffleReaderExec
	ctx  *exec.TaskContext
	locs []shuffle.Location
	cur  exec.Stream
}

func (s *orderedStream) Next() (arrow.RecordBatch, error) {
	for {
		if s.cur == nil {
			if len(s.locs) == 0 {
				return nil, nil
			}
			one := s.locs[:1]
			s.locs = s.locs[1:]
			r := shuffle.NewShuffleReaderExec(s.e.schema, 1, func(int) []shuffle.Location { return one }, s.e.fetcher).WithStage(s.e.stage)
			cur, err := r.Execute(s.ctx, 0)
			if err != nil {
				return nil, err
			}
			s.cur = cur
		}
		b, err := s.cur.Next()
		if err != nil || b != nil {
			return b, err
		}
		s.cur.Close()
		s.cur = nil
	}
}

func (s *orderedStream) Close() {
	if s.cur != nil {
		s.cur.Close()
		s.cur = nil
	}
	s.locs = nil
}
