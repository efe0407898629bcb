// Package executor is an Aloft executor: a Flight server that runs the
// tasks the scheduler ships to it (DoAction "aloft.run_task"), keeps their
// map outputs in a shuffle.Store and serves them to other executors and to
// the coordinator with DoGet. Every call requires the cluster secret.
//
// A task is one partition of one stage: the executor decodes the stage plan
// (package wire) with the task's splits, resolves its StageInputs into
// shuffle readers over the map output locations given in the TaskSpec
// (distplan.Resolve), runs the partition and writes its output partitioned
// as the stage says (shuffle.WriteMapOutput). The final stage's task writes
// a single partition too: the coordinator fetches the query result with
// DoGet like any shuffle output.
package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/exec/expr"
	"github.com/aloftdb/aloft/shuffle"
	"github.com/aloftdb/aloft/wire"
)

// DefaultCores is the task concurrency of an executor whose Cores is not set.
const DefaultCores = 2

// Config configures an executor.
type Config struct {
	// Addr is the address to listen on (default "localhost:0": any port).
	Addr string
	// WorkDir holds the shuffle data spilled to disk (executor.work_dir).
	WorkDir string
	// MemoryLimit is how many bytes of shuffle data the store keeps in
	// memory before writing map outputs to disk (executor.memory); <= 0:
	// everything goes to disk. Operators are not bounded by it yet.
	MemoryLimit int64
	// Secret is the cluster secret every call must carry; required.
	Secret string
	// Cores is the number of tasks run at once (default DefaultCores);
	// further tasks wait for a slot.
	Cores int
}

// Executor serves tasks and shuffle data over Flight.
type Executor struct {
	cfg     Config
	store   *shuffle.Store
	fetcher *shuffle.Fetcher
	srv     *grpc.Server
	lis     net.Listener
	addr    string
	slots   chan struct{}

	stopOnce  sync.Once
	closeOnce sync.Once
	closeErr  error
}

// New starts an executor: its store in cfg.WorkDir and its Flight server
// on cfg.Addr.
func New(cfg Config) (*Executor, error) {
	if cfg.Secret == "" {
		return nil, fmt.Errorf("executor: empty cluster secret")
	}
	if cfg.Addr == "" {
		cfg.Addr = "localhost:0"
	}
	if cfg.Cores <= 0 {
		cfg.Cores = DefaultCores
	}
	store, err := shuffle.NewStore(cfg.WorkDir, cfg.MemoryLimit)
	if err != nil {
		return nil, fmt.Errorf("executor: %w", err)
	}
	lis, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("executor: listening on %s: %w", cfg.Addr, err)
	}
	e := &Executor{cfg: cfg, store: store, lis: lis, addr: lis.Addr().String(), slots: make(chan struct{}, cfg.Cores)}
	e.fetcher = shuffle.NewFetcher(cfg.Secret, e.addr, store)
	e.srv = shuffle.NewServer(cfg.Secret)
	flight.RegisterFlightServiceServer(e.srv, &service{
		FlightServer: shuffle.NewFlightService(store, cfg.Secret),
		e:            e,
		check:        shuffle.StreamServerInterceptor(cfg.Secret),
	})
	go e.srv.Serve(lis)
	return e, nil
}

// Addr is the address the executor's Flight server is reached at.
func (e *Executor) Addr() string { return e.addr }

// Cores is the number of tasks the executor runs at once.
func (e *Executor) Cores() int { return e.cfg.Cores }

// Store is the executor's shuffle store.
func (e *Executor) Store() *shuffle.Store { return e.store }

// Stop stops the Flight server at once, failing the calls in flight, as if
// the executor had died; its store stays (Close deletes it).
func (e *Executor) Stop() {
	e.stopOnce.Do(func() { e.srv.Stop() })
}

// Close stops the server and deletes the executor's shuffle data.
func (e *Executor) Close() error {
	e.closeOnce.Do(func() {
		e.Stop()
		e.closeErr = errors.Join(e.fetcher.Close(), e.store.Close())
	})
	return e.closeErr
}

// service is the executor's Flight service: shuffle DoGet plus the actions.
type service struct {
	flight.FlightServer
	e     *Executor
	check grpc.StreamServerInterceptor
}

func (s *service) ListActions(_ *flight.Empty, stream flight.FlightService_ListActionsServer) error {
	return s.check(nil, stream, nil, func(any, grpc.ServerStream) error {
		for _, a := range []*flight.ActionType{
			{Type: ActionRunTask, Description: "run one task of a stage (body: TaskSpec)"},
			{Type: ActionDropQuery, Description: "delete a query's shuffle data (body: query id)"},
		} {
			if err := stream.Send(a); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *service) DoAction(a *flight.Action, stream flight.FlightService_DoActionServer) error {
	// The server's interceptors check the secret already; checking here too
	// keeps the service safe on a server built without them.
	return s.check(nil, stream, nil, func(any, grpc.ServerStream) error {
		switch a.GetType() {
		case ActionRunTask:
			spec, err := DecodeTaskSpec(a.GetBody())
			if err != nil {
				return status.Error(codes.InvalidArgument, err.Error())
			}
			res, err := s.e.RunTask(stream.Context(), spec)
			if err != nil {
				return toStatus(err)
			}
			body, err := json.Marshal(res)
			if err != nil {
				return status.Error(codes.Internal, err.Error())
			}
			return stream.Send(&flight.Result{Body: body})
		case ActionDropQuery:
			q := string(a.GetBody())
			if err := ValidateQuery(q); err != nil {
				return status.Error(codes.InvalidArgument, err.Error())
			}
			s.e.store.DropQuery(q)
			return nil
		}
		return status.Errorf(codes.Unimplemented, "executor: unknown action %q", a.GetType())
	})
}

// invalidSpecError marks errors in what the scheduler sent.
type invalidSpecError struct{ err error }

func (e *invalidSpecError) Error() string { return e.err.Error() }
func (e *invalidSpecError) Unwrap() error { return e.err }

func invalid(format string, args ...any) error {
	return &invalidSpecError{fmt.Errorf(format, args...)}
}

// toStatus maps a task error to the gRPC status the scheduler sees.
func toStatus(err error) error {
	var ff *shuffle.FetchFailedError
	var bad *invalidSpecError
	switch {
	case errors.As(err, &ff):
		return status.Error(codes.FailedPrecondition, FetchFailedMessage(ff))
	case errors.As(err, &bad):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return status.Error(codes.Internal, err.Error())
}

// fetchFailedPrefix starts the message of a fetch failure status.
const fetchFailedPrefix = "fetch_failed"

// FetchFailedMessage is the status message of a fetch failure: the
// failing location in a form ParseFetchFailed reads, then the cause.
func FetchFailedMessage(ff *shuffle.FetchFailedError) string {
	return fmt.Sprintf("%s stage=%d map=%d partition=%d unreachable=%t addr=%s : %v",
		fetchFailedPrefix, ff.ID.Stage, ff.ID.MapTask, ff.ID.Partition, status.Code(ff.Err) == codes.Unavailable, ff.Addr, ff.Err)
}

// FetchFailure is a lost map output reported by a task.
type FetchFailure struct {
	Stage, MapTask, Partition int
	// Unreachable: the executor holding the output could not be reached
	// (it is probably gone, with all its outputs); else it lacks just this
	// output.
	Unreachable bool
	Addr        string
}

// ParseFetchFailed returns the lost map output an error from a task call
// reports (a codes.FailedPrecondition status made by FetchFailedMessage).
func ParseFetchFailed(err error) (FetchFailure, bool) {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.FailedPrecondition || !strings.HasPrefix(st.Message(), fetchFailedPrefix+" ") {
		return FetchFailure{}, false
	}
	var f FetchFailure
	if _, err := fmt.Sscanf(st.Message(), fetchFailedPrefix+" stage=%d map=%d partition=%d unreachable=%t addr=%s ",
		&f.Stage, &f.MapTask, &f.Partition, &f.Unreachable, &f.Addr); err != nil {
		return FetchFailure{}, false
	}
	return f, true
}

// RunTask runs one task and commits its map output into the store.
func (e *Executor) RunTask(ctx context.Context, spec *TaskSpec) (*TaskResult, error) {
	select {
	case e.slots <- struct{}{}:
		defer func() { <-e.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	plan, keys, n, err := e.taskPlan(spec)
	if err != nil {
		return nil, err
	}
	if spec.Task >= plan.Partitions() {
		return nil, invalid("executor: task %d of a stage of %d partitions", spec.Task, plan.Partitions())
	}
	// Cancelling the task's context at its end frees the state operators
	// share across partitions (only one partition runs here).
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tc := exec.NewTaskContext(tctx, 0)
	stream, err := plan.Execute(tc, spec.Task)
	if err != nil {
		return nil, fmt.Errorf("stage %d task %d: %w", spec.Stage, spec.Task, err)
	}
	defer stream.Close()
	w, err := e.store.NewWriter(shuffle.MapOutputID{Query: spec.Query, Stage: spec.Stage, MapTask: spec.Task}, n, plan.Schema())
	if err != nil {
		return nil, err
	}
	rows, err := shuffle.WriteMapOutput(tc, stream, keys, n, w)
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("stage %d task %d: %w", spec.Stage, spec.Task, err)
	}
	bytes, err := w.Commit()
	if err != nil {
		return nil, err
	}
	return &TaskResult{Rows: rows, Bytes: bytes}, nil
}

// taskPlan decodes the spec's plan and makes it ready to run: the output
// wrapper taken off, the task's scans restricted to its splits, the stage
// inputs resolved. It returns the plan, the output keys and the number of
// output partitions.
func (e *Executor) taskPlan(spec *TaskSpec) (exec.Exec, []expr.Expr, int, error) {
	splits := make(map[int][]catalog.Split, len(spec.Splits))
	for id, b := range spec.Splits {
		s, err := wire.DecodeSplits(b)
		if err != nil {
			return nil, nil, 0, invalid("executor: splits of scan %d: %w", id, err)
		}
		splits[id] = s
	}
	plan, err := wire.DecodePlan(spec.Plan, wire.DecodeEnv{Splits: func(id int) ([]catalog.Split, error) {
		s, ok := splits[id]
		if !ok {
			return nil, fmt.Errorf("the task spec has no splits for scan %d", id)
		}
		return s, nil
	}})
	if err != nil {
		return nil, nil, 0, invalid("executor: stage %d plan: %w", spec.Stage, err)
	}
	var keys []expr.Expr
	n := 1
	if distplan.OutputKind(spec.Output) == distplan.OutputHash {
		r, ok := plan.(*exec.RepartitionExec)
		if !ok {
			return nil, nil, 0, invalid("executor: hash output: the plan is not wrapped in a RepartitionExec")
		}
		keys, n, plan = r.Keys(), r.Partitions(), r.Children()[0]
	}
	if len(spec.TaskSplits) > 0 {
		scans := wire.Scans(plan)
		mine := make(map[*exec.ScanExec]int)
		for id, parts := range spec.TaskSplits {
			if id >= len(scans) {
				return nil, nil, 0, invalid("executor: task splits for scan %d of %d", id, len(scans))
			}
			mine[scans[id]] = parts
		}
		if plan, err = restrictScans(plan, mine, spec.Task); err != nil {
			return nil, nil, 0, err
		}
	}
	for _, id := range stageInputs(plan) {
		if _, ok := spec.Inputs[id]; !ok {
			return nil, nil, 0, invalid("executor: no locations for input stage %d", id)
		}
	}
	locate := func(stageID, partition int) []shuffle.Location {
		locs := spec.Inputs[stageID]
		out := make([]shuffle.Location, len(locs))
		for i, l := range locs {
			out[i] = shuffle.Location{Addr: l.Addr, ID: shuffle.PartitionID{Query: spec.Query, Stage: stageID, MapTask: l.MapTask, Partition: partition}}
		}
		return out
	}
	resolved, err := distplan.Resolve(&distplan.Stage{ID: spec.Stage, Plan: plan}, locate, e.fetcher)
	if err != nil {
		return nil, nil, 0, err
	}
	return resolved, keys, n, nil
}

func stageInputs(plan exec.Exec) []int {
	var ids []int
	var walk func(exec.Exec)
	walk = func(x exec.Exec) {
		if in, ok := x.(*distplan.StageInput); ok {
			ids = append(ids, in.StageID())
		}
		for _, c := range x.Children() {
			walk(c)
		}
	}
	walk(plan)
	return ids
}

// restrictScans replaces the scans in mine, which hold only the splits of
// partition task, by taskScans: same partition count as the scan in the
// stage plan, partition task reading all those splits, the others nothing.
func restrictScans(x exec.Exec, mine map[*exec.ScanExec]int, task int) (exec.Exec, error) {
	if s, ok := x.(*exec.ScanExec); ok && mine[s] > 0 {
		// One partition reading the splits in the order the task's
		// partition of the original scan would.
		one := exec.NewScanExec(s.TableName(), s.Table(), s.Splits(), s.Columns(), s.Schema(), s.Filter(), filterText(s), 1)
		return &taskScan{inner: one, task: task, parts: mine[s]}, nil
	}
	old := x.Children()
	if len(old) == 0 {
		return x, nil
	}
	kids := make([]exec.Exec, len(old))
	for i, c := range old {
		k, err := restrictScans(c, mine, task)
		if err != nil {
			return nil, err
		}
		kids[i] = k
	}
	return distplan.WithChildren(x, kids)
}

// taskScan is a scan restricted to the splits of one partition (task):
// its inner scan holds exactly those splits.
type taskScan struct {
	inner *exec.ScanExec
	task  int
	parts int
}

// filterText recovers a scan's filter text (only shown by String).
func filterText(s *exec.ScanExec) string {
	if s.Filter() == nil {
		return ""
	}
	str := s.String()
	if i := strings.Index(str, " filter="); i >= 0 {
		return str[i+len(" filter="):]
	}
	return ""
}

func (t *taskScan) Schema() *arrow.Schema { return t.inner.Schema() }
func (t *taskScan) Children() []exec.Exec { return nil }
func (t *taskScan) Partitions() int       { return t.parts }
func (t *taskScan) String() string        { return fmt.Sprintf("TaskScan: task=%d %s", t.task, t.inner) }

func (t *taskScan) Execute(ctx *exec.TaskContext, p int) (exec.Stream, error) {
	if p != t.task {
		return emptyStream{}, nil
	}
	return t.inner.Execute(ctx, 0)
}

type emptyStream struct{}

func (emptyStream) Next() (arrow.RecordBatch, error) { return nil, nil }
func (emptyStream) Close()                           {}
