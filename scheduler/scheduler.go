// Package scheduler runs a query's stage graph (package distplan) on
// executors (package executor): the coordinator's side of a distributed
// query, Spark's DAG and task schedulers in one.
//
// Stages start when the stages they read are done (independent stages run
// concurrently); every stage runs one task per partition, assigned
// round-robin over the live executors within their slots. A failed task is
// retried, on another executor when there is one, up to
// Options.MaxTaskFailures times. A task that reports a fetch failure (a map
// output lost or its executor gone) makes the scheduler re-run the map
// task(s) whose output was lost, and is then retried (Spark's fetch-failure
// handling). The final stage's single partition is fetched from its
// executor over Flight, and the query's shuffle data is dropped on every
// executor at the end, on success, error or cancellation alike.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	flightpb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/executor"
	"github.com/aloftdb/aloft/shuffle"
	"github.com/aloftdb/aloft/wire"
)

// Endpoint is an executor the scheduler may run tasks on.
type Endpoint struct {
	Addr string
	// Cores is how many tasks it runs at once (0: executor.DefaultCores).
	Cores int
}

// Defaults of Options.
const (
	DefaultMaxTaskFailures  = 4
	DefaultMaxFetchFailures = 4
)

// Options tune a run.
type Options struct {
	// QueryID names the query's shuffle data (default: random).
	QueryID string
	// MaxTaskFailures is how many times a task may fail before the query
	// does (task.max_failures; default DefaultMaxTaskFailures).
	MaxTaskFailures int
	// MaxFetchFailures is how many fetch failures a task may report
	// (each followed by recomputing the lost map outputs) before the
	// query fails (default DefaultMaxFetchFailures).
	MaxFetchFailures int
	// BeforeStage, when set, is called before a stage's tasks launch,
	// once its inputs are done (a test hook).
	BeforeStage func(stageID int)
}

// execState is one executor as the scheduler sees it.
type execState struct {
	addr   string
	conn   *grpc.ClientConn
	client flightpb.FlightServiceClient
	slots  chan struct{}
	dead   atomic.Bool
}

// stagePrep is what every task of a stage ships.
type stagePrep struct {
	plan []byte
	// all holds the encoded splits of every scan, by scanID.
	all map[int][]byte
}

type run struct {
	g     *distplan.Graph
	query string
	opts  Options
	execs []*execState
	preps map[int]*stagePrep
	next  atomic.Int64 // round-robin cursor

	mu      sync.Mutex
	outputs map[int][]mapOut // stage -> map task -> where its output is
	recomp  map[[2]int]*sync.Mutex
}

// Run runs graph on the executors and returns the query result and its
// schema. The caller releases the batches.
func Run(ctx context.Context, graph *distplan.Graph, execs []Endpoint, secret string, opts Options) ([]arrow.RecordBatch, *arrow.Schema, error) {
	if graph == nil || len(graph.Stages) == 0 {
		return nil, nil, fmt.Errorf("scheduler: no stages")
	}
	if len(execs) == 0 {
		return nil, nil, fmt.Errorf("scheduler: no executors")
	}
	final := graph.Stage(graph.Final)
	if final == nil || final.Partitions != 1 {
		return nil, nil, fmt.Errorf("scheduler: the final stage must have one partition")
	}
	if opts.MaxTaskFailures <= 0 {
		opts.MaxTaskFailures = DefaultMaxTaskFailures
	}
	if opts.MaxFetchFailures <= 0 {
		opts.MaxFetchFailures = DefaultMaxFetchFailures
	}
	if opts.QueryID == "" {
		var b [8]byte
		rand.Read(b[:])
		opts.QueryID = "q-" + hex.EncodeToString(b[:])
	}
	if err := executor.ValidateQuery(opts.QueryID); err != nil {
		return nil, nil, fmt.Errorf("scheduler: %w", err)
	}
	r := &run{g: graph, query: opts.QueryID, opts: opts, preps: make(map[int]*stagePrep),
		outputs: make(map[int][]mapOut), recomp: make(map[[2]int]*sync.Mutex)}
	for _, s := range graph.Stages {
		p, err := prepare(s)
		if err != nil {
			return nil, nil, err
		}
		r.preps[s.ID] = p
		r.outputs[s.ID] = make([]mapOut, s.Partitions)
	}
	for _, ep := range execs {
		conn, err := grpc.NewClient(ep.Addr, append(shuffle.DialOptions(secret),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(executor.MaxTaskSpecBytes)))...)
		if err != nil {
			r.closeConns()
			return nil, nil, fmt.Errorf("scheduler: connecting to %s: %w", ep.Addr, err)
		}
		cores := ep.Cores
		if cores <= 0 {
			cores = executor.DefaultCores
		}
		r.execs = append(r.execs, &execState{addr: ep.Addr, conn: conn, client: flightpb.NewFlightServiceClient(conn), slots: make(chan struct{}, cores)})
	}
	defer r.closeConns()
	defer r.dropQuery(ctx)

	if err := r.runStages(ctx); err != nil {
		return nil, nil, err
	}
	batches, err := r.fetchResult(ctx, secret)
	if err != nil {
		return nil, nil, err
	}
	return batches, final.Plan.Schema(), nil
}

// prepare encodes a stage's plan (wrapped in a RepartitionExec carrying
// the output keys for hash outputs) and its splits.
func prepare(s *distplan.Stage) (*stagePrep, error) {
	plan := s.Plan
	if s.Output.Kind == distplan.OutputHash {
		plan = exec.NewRepartitionExec(plan, s.Output.Keys, s.Output.Partitions())
	}
	enc, err := wire.EncodePlan(plan)
	if err != nil {
		return nil, fmt.Errorf("scheduler: stage %d: %w", s.ID, err)
	}
	p := &stagePrep{plan: enc, all: make(map[int][]byte)}
	for id, scan := range wire.Scans(s.Plan) {
		// Every task gets all the scan's (already pruned) splits and runs its
		// partition of the scan as ScanExec does (split i -> partition
		// i % partitions). Shipping only a task's own splits
		// (TaskSpec.TaskSplits) is wrong for stages that read a scan
		// whole in every task (the probe side of a collect-build semi or
		// anti join), so it waits for the planner to say which scans are
		// read per partition.
		splits := scan.Splits()
		if p.all[id], err = wire.EncodeSplits(splits); err != nil {
			return nil, fmt.Errorf("scheduler: stage %d scan %d: %w", s.ID, id, err)
		}
	}
	return p, nil
}

func (r *run) closeConns() {
	for _, e := range r.execs {
		e.conn.Close()
	}
}

// dropQuery deletes the query's shuffle data on every executor, even when
// ctx was cancelled.
func (r *run) dropQuery(ctx context.Context) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, e := range r.execs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream, err := e.client.DoAction(dctx, &flight.Action{Type: executor.ActionDropQuery, Body: []byte(r.query)})
			if err == nil {
				for {
					if _, err := stream.Recv(); err != nil {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
}

// runStages runs every stage, each once its inputs are done.
func (r *run) runStages(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(map[int]chan struct{}, len(r.g.Stages))
	for _, s := range r.g.Stages {
		done[s.ID] = make(chan struct{})
	}
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel(err) })
	}
	for _, s := range r.g.Stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, in := range s.Inputs {
				select {
				case <-done[in]:
				case <-ctx.Done():
					return
				}
			}
			if r.opts.BeforeStage != nil {
				r.opts.BeforeStage(s.ID)
			}
			if err := r.runStage(ctx, s); err != nil {
				fail(err)
				return
			}
			close(done[s.ID])
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// runStage runs every task of a stage.
func (r *run) runStage(ctx context.Context, s *distplan.Stage) error {
	errs := make([]error, s.Partitions)
	var wg sync.WaitGroup
	for task := range s.Partitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[task] = r.runTask(ctx, s.ID, task)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// runTask runs one task until it succeeds, retrying failures and
// recomputing lost inputs.
func (r *run) runTask(ctx context.Context, stageID, task int) error {
	var excluded map[*execState]bool
	failures, fetchFailures := 0, 0
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		ex, err := r.acquire(ctx, excluded)
		if err != nil {
			return err
		}
		spec, seen, err := r.spec(stageID, task, attempt)
		if err != nil {
			<-ex.slots
			return err
		}
		err = r.call(ctx, ex, spec)
		<-ex.slots
		if err == nil {
			r.mu.Lock()
			o := &r.outputs[stageID][task]
			o.addr, o.gen = ex.addr, o.gen+1
			r.mu.Unlock()
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if ff, ok := executor.ParseFetchFailed(err); ok {
			if fetchFailures++; fetchFailures > r.opts.MaxFetchFailures {
				return fmt.Errorf("scheduler: stage %d task %d: %d fetch failures, last: %w", stageID, task, fetchFailures, err)
			}
			if err := r.recompute(ctx, ff, seen); err != nil {
				return err
			}
			continue
		}
		switch status.Code(err) {
		case codes.InvalidArgument, codes.Unauthenticated, codes.Unimplemented:
			return fmt.Errorf("scheduler: stage %d task %d on %s: %w", stageID, task, ex.addr, err)
		case codes.Unavailable:
			ex.dead.Store(true)
		}
		if failures++; failures >= r.opts.MaxTaskFailures {
			return fmt.Errorf("scheduler: stage %d task %d failed %d times, last on %s: %w", stageID, task, failures, ex.addr, err)
		}
		if excluded == nil {
			excluded = make(map[*execState]bool)
		}
		excluded[ex] = true
	}
}

// acquire picks the next live executor round-robin, preferring those not
// excluded, and takes one of its slots (waiting for one if needed).
func (r *run) acquire(ctx context.Context, excluded map[*execState]bool) (*execState, error) {
	var live, preferred []*execState
	for _, e := range r.execs {
		if e.dead.Load() {
			continue
		}
		live = append(live, e)
		if !excluded[e] {
			preferred = append(preferred, e)
		}
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("scheduler: no live executor")
	}
	if len(preferred) == 0 {
		preferred = live // retry where it failed rather than not at all
	}
	start := int(r.next.Add(1) - 1)
	// Take a free slot in round-robin order; if none is free, wait for the
	// executor whose turn it is.
	for i := range preferred {
		e := preferred[(start+i)%len(preferred)]
		select {
		case e.slots <- struct{}{}:
			return e, nil
		default:
		}
	}
	e := preferred[start%len(preferred)]
	select {
	case e.slots <- struct{}{}:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// spec builds the task spec, with the current map output locations.
func (r *run) spec(stageID, task, attempt int) (*executor.TaskSpec, map[[2]int]int, error) {
	s := r.g.Stage(stageID)
	p := r.preps[stageID]
	spec := &executor.TaskSpec{Query: r.query, Stage: stageID, Task: task, Attempt: attempt,
		Output: int(s.Output.Kind), Plan: p.plan, Splits: make(map[int][]byte, len(p.all)),
		Inputs: make(map[int][]executor.MapLocation, len(s.Inputs))}
	for id, b := range p.all {
		spec.Splits[id] = b
	}
	// seen records the generation of every map output the task is told
	// about, so that a fetch failure recomputes an output only if no one
	// did since.
	seen := make(map[[2]int]int)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, in := range s.Inputs {
		locs := make([]executor.MapLocation, 0, len(r.outputs[in]))
		for t, o := range r.outputs[in] {
			if o.addr == "" {
				return nil, nil, fmt.Errorf("scheduler: stage %d task %d: input stage %d map task %d has no output", stageID, task, in, t)
			}
			locs = append(locs, executor.MapLocation{MapTask: t, Addr: o.addr})
			seen[[2]int{in, t}] = o.gen
		}
		spec.Inputs[in] = locs
	}
	return spec, seen, nil
}

// mapOut is where a map task's output is; gen counts its runs.
type mapOut struct {
	addr string
	gen  int
}

// call runs a task spec on an executor.
func (r *run) call(ctx context.Context, ex *execState, spec *executor.TaskSpec) error {
	body, err := executor.EncodeTaskSpec(spec)
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	stream, err := ex.client.DoAction(ctx, &flight.Action{Type: executor.ActionRunTask, Body: body})
	if err != nil {
		return err
	}
	var got bool
	for {
		res, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var tr executor.TaskResult
		if err := json.Unmarshal(res.GetBody(), &tr); err != nil {
			return status.Errorf(codes.Internal, "malformed task result: %v", err)
		}
		got = true
	}
	if !got {
		return status.Error(codes.Internal, "no task result")
	}
	return nil
}

// recompute re-runs the map task(s) whose output a fetch failure reports
// lost: the one named, or, when its executor is unreachable, every map
// task of that stage whose output was there. Tasks whose output moved
// since (recomputed by another reducer's failure) are left alone.
func (r *run) recompute(ctx context.Context, ff executor.FetchFailure, seen map[[2]int]int) error {
	if r.g.Stage(ff.Stage) == nil {
		return fmt.Errorf("scheduler: fetch failure names unknown stage %d", ff.Stage)
	}
	var tasks []int
	r.mu.Lock()
	if ff.Unreachable {
		for _, e := range r.execs {
			if e.addr == ff.Addr {
				e.dead.Store(true)
			}
		}
		for t, o := range r.outputs[ff.Stage] {
			if o.addr == ff.Addr {
				tasks = append(tasks, t)
			}
		}
	} else if ff.MapTask >= 0 && ff.MapTask < len(r.outputs[ff.Stage]) {
		tasks = []int{ff.MapTask}
	}
	r.mu.Unlock()
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen, ok := seen[[2]int{ff.Stage, t}]
			if !ok {
				r.mu.Lock()
				gen = r.outputs[ff.Stage][t].gen
				r.mu.Unlock()
			}
			errs[i] = r.recomputeOne(ctx, ff.Stage, t, gen)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *run) recomputeOne(ctx context.Context, stageID, task, lostGen int) error {
	key := [2]int{stageID, task}
	r.mu.Lock()
	m := r.recomp[key]
	if m == nil {
		m = new(sync.Mutex)
		r.recomp[key] = m
	}
	r.mu.Unlock()
	m.Lock()
	defer m.Unlock()
	r.mu.Lock()
	if r.outputs[stageID][task].gen != lostGen {
		r.mu.Unlock()
		return nil // recomputed meanwhile
	}
	// The lost location stays until the new one is known: a task that
	// reads it meanwhile fails to fetch and waits for this recompute.
	r.mu.Unlock()
	if err := r.runTask(ctx, stageID, task); err != nil {
		return fmt.Errorf("scheduler: recomputing stage %d map task %d: %w", stageID, task, err)
	}
	return nil
}

// fetchResult reads the final stage's output.
func (r *run) fetchResult(ctx context.Context, secret string) ([]arrow.RecordBatch, error) {
	f := shuffle.NewFetcher(secret, "", nil)
	defer f.Close()
	for failures := 0; ; failures++ {
		r.mu.Lock()
		o := r.outputs[r.g.Final][0]
		r.mu.Unlock()
		addr := o.addr
		id := shuffle.PartitionID{Query: r.query, Stage: r.g.Final, MapTask: 0, Partition: 0}
		batches, err := readAll(ctx, f, addr, id)
		if err == nil {
			return batches, nil
		}
		var ff *shuffle.FetchFailedError
		if !errors.As(err, &ff) || failures >= r.opts.MaxFetchFailures {
			return nil, fmt.Errorf("scheduler: fetching the result: %w", err)
		}
		if err := r.recompute(ctx, executor.FetchFailure{Stage: r.g.Final, MapTask: 0,
			Unreachable: status.Code(ff.Err) == codes.Unavailable, Addr: addr}, map[[2]int]int{{r.g.Final, 0}: o.gen}); err != nil {
			return nil, err
		}
	}
}

func readAll(ctx context.Context, f *shuffle.Fetcher, addr string, id shuffle.PartitionID) ([]arrow.RecordBatch, error) {
	rdr, err := f.Fetch(ctx, addr, id)
	if err != nil {
		return nil, err
	}
	defer rdr.Close()
	var out []arrow.RecordBatch
	for {
		b, err := rdr.Next()
		if err != nil {
			for _, b := range out {
				b.Release()
			}
			return nil, err
		}
		if b == nil {
			return out, nil
		}
		out = append(out, b)
	}
}
