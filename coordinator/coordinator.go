// Package coordinator is Aloft's driver: it keeps the catalog, plans
// queries, and runs them on the executors that registered with it.
//
// Executors register and heartbeat through Flight actions on the
// coordinator's own Flight server (executor.ActionRegister and
// executor.ActionHeartbeat, see executor.RegisterWith); every call must
// carry the cluster secret. The registry tracks each executor's slots
// (cores) and when it was last heard from; one silent for longer than the
// heartbeat timeout is declared lost and no longer scheduled on.
//
// Query plans a query on the coordinator's engine (engine.PhysicalPlan),
// cuts it into stages (distplan.Cut) and runs them on the live executors
// (scheduler.Run), which open the data files themselves from the paths in
// the plan. Other statements (DDL, SHOW, DESCRIBE, EXPLAIN) run on the
// coordinator's engine. Several queries may run at once.
package coordinator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/distplan"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/executor"
	"github.com/aloftdb/aloft/scheduler"
	"github.com/aloftdb/aloft/shuffle"
	"github.com/aloftdb/aloft/sql"
)

// Defaults of Config.
const (
	DefaultHeartbeatInterval = time.Second
	DefaultHeartbeatTimeout  = 10 * time.Second
)

// ErrNoExecutors is returned by Query when no executor is registered.
var ErrNoExecutors = errors.New("no executors registered")

// Config configures a coordinator.
type Config struct {
	// Addr is where the Flight server listens (default "localhost:0").
	Addr string
	// Secret is the cluster secret; required.
	Secret string
	// HeartbeatInterval is the interval executors are asked to heartbeat
	// at (default DefaultHeartbeatInterval).
	HeartbeatInterval time.Duration
	// HeartbeatTimeout is how long an executor may stay silent before it
	// is declared lost (default DefaultHeartbeatTimeout; at least twice
	// the interval).
	HeartbeatTimeout time.Duration
	// MaxTaskFailures is task.max_failures (default
	// scheduler.DefaultMaxTaskFailures).
	MaxTaskFailures int
	// Partitions is the partition count of the engine New creates when
	// given none (default: this machine's cores). An engine passed to New
	// keeps its own.
	Partitions int
	// Logf, when set, receives the registry's events (registered, lost).
	// It must not block.
	Logf func(format string, args ...any)
}

// Coordinator registers executors and runs queries on them.
type Coordinator struct {
	cfg  Config
	eng  *engine.Engine
	reg  *registry
	srv  *grpc.Server
	lis  net.Listener
	addr string

	idPrefix string
	nextID   atomic.Int64

	stop      chan struct{}
	reaper    sync.WaitGroup
	closeOnce sync.Once
}

// New starts a coordinator's Flight server on cfg.Addr. eng holds the
// catalog; nil creates an empty engine.
func New(cfg Config, eng *engine.Engine) (*Coordinator, error) {
	if cfg.Secret == "" {
		return nil, fmt.Errorf("coordinator: empty cluster secret")
	}
	if cfg.Addr == "" {
		cfg.Addr = "localhost:0"
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if cfg.HeartbeatTimeout < 2*cfg.HeartbeatInterval {
		return nil, fmt.Errorf("coordinator: heartbeat timeout %s is less than twice the interval %s", cfg.HeartbeatTimeout, cfg.HeartbeatInterval)
	}
	if cfg.MaxTaskFailures <= 0 {
		cfg.MaxTaskFailures = scheduler.DefaultMaxTaskFailures
	}
	if eng == nil {
		eng = engine.New(engine.Options{Partitions: cfg.Partitions})
	}
	lis, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("coordinator: listening on %s: %w", cfg.Addr, err)
	}
	var b [4]byte
	rand.Read(b[:])
	c := &Coordinator{cfg: cfg, eng: eng, lis: lis, addr: lis.Addr().String(),
		idPrefix: "c" + hex.EncodeToString(b[:]), stop: make(chan struct{})}
	c.reg = newRegistry(cfg.HeartbeatTimeout, func(m ExecutorInfo) {
		c.logf("executor %s lost: no heartbeat for %s", m.Addr, cfg.HeartbeatTimeout)
	})
	c.srv = shuffle.NewServer(cfg.Secret)
	flight.RegisterFlightServiceServer(c.srv, &service{c: c, check: shuffle.StreamServerInterceptor(cfg.Secret)})
	go c.srv.Serve(lis)
	c.reaper.Add(1)
	go c.reap()
	return c, nil
}

func (c *Coordinator) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// reap declares lost the executors whose heartbeats stopped.
func (c *Coordinator) reap() {
	defer c.reaper.Done()
	t := time.NewTicker(max(c.cfg.HeartbeatTimeout/4, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.reg.reap()
		}
	}
}

// Addr is the address of the coordinator's Flight server.
func (c *Coordinator) Addr() string { return c.addr }

// Engine is the coordinator's engine (its catalog).
func (c *Coordinator) Engine() *engine.Engine { return c.eng }

// Executors returns the live executors, ordered by address.
func (c *Coordinator) Executors() []ExecutorInfo { return c.reg.live() }

// Close stops the Flight server. Running queries fail.
func (c *Coordinator) Close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		c.srv.Stop()
		c.reaper.Wait()
	})
	return nil
}

// Query runs the SQL text. A query runs on the live executors; other
// statements (DDL, SHOW, DESCRIBE, EXPLAIN, ...) run on the coordinator's
// engine. Text with several statements may hold no query.
func (c *Coordinator) Query(ctx context.Context, sqlText string) (*engine.Result, error) {
	stmts, err := sql.Parse(sqlText)
	if err != nil {
		return nil, err
	}
	queries := 0
	for _, st := range stmts {
		if _, ok := st.(*sql.Query); ok {
			queries++
		}
	}
	switch {
	case queries == 0:
		return c.eng.Execute(ctx, sqlText)
	case len(stmts) > 1:
		return nil, fmt.Errorf("coordinator: a query must be sent alone, got %d statements", len(stmts))
	}
	start := time.Now()
	live := c.reg.live()
	if len(live) == 0 {
		return nil, ErrNoExecutors
	}
	plan, err := c.eng.PhysicalPlan(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	graph, err := distplan.Cut(plan)
	if err != nil {
		return nil, err
	}
	eps := make([]scheduler.Endpoint, len(live))
	for i, m := range live {
		eps[i] = scheduler.Endpoint{Addr: m.Addr, Cores: m.Cores}
	}
	id := fmt.Sprintf("%s-%d", c.idPrefix, c.nextID.Add(1))
	batches, schema, err := scheduler.Run(ctx, graph, eps, c.cfg.Secret, scheduler.Options{QueryID: id, MaxTaskFailures: c.cfg.MaxTaskFailures})
	if err != nil {
		return nil, err
	}
	return &engine.Result{Schema: schema, Batches: batches, Elapsed: time.Since(start)}, nil
}

// Execute is Query: it makes the coordinator a flight.Runner, so that a
// Flight SQL server runs its clients' statements on the cluster.
func (c *Coordinator) Execute(ctx context.Context, sqlText string) (*engine.Result, error) {
	return c.Query(ctx, sqlText)
}

// service is the coordinator's Flight service: the registry's actions.
type service struct {
	flight.BaseFlightServer
	c     *Coordinator
	check grpc.StreamServerInterceptor
}

func (s *service) ListActions(_ *flight.Empty, stream flight.FlightService_ListActionsServer) error {
	return s.check(nil, stream, nil, func(any, grpc.ServerStream) error {
		for _, a := range []*flight.ActionType{
			{Type: executor.ActionRegister, Description: "register an executor (body: {addr, cores})"},
			{Type: executor.ActionHeartbeat, Description: "an executor is alive (body: {addr})"},
		} {
			if err := stream.Send(a); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *service) DoAction(a *flight.Action, stream flight.FlightService_DoActionServer) error {
	// The server's interceptors check the secret already; checking here
	// too keeps the service safe on a server built without them.
	return s.check(nil, stream, nil, func(any, grpc.ServerStream) error {
		switch a.GetType() {
		case executor.ActionRegister:
			var reg executor.Registration
			if err := json.Unmarshal(a.GetBody(), &reg); err != nil {
				return status.Errorf(codes.InvalidArgument, "coordinator: register: %v", err)
			}
			if err := validAddr(reg.Addr); err != nil {
				return status.Errorf(codes.InvalidArgument, "coordinator: register: %v", err)
			}
			if reg.Cores <= 0 {
				reg.Cores = executor.DefaultCores
			}
			if reg.Cores > 1<<12 {
				return status.Errorf(codes.InvalidArgument, "coordinator: register: %d cores", reg.Cores)
			}
			s.c.reg.register(reg.Addr, reg.Cores)
			s.c.logf("executor %s registered with %d cores", reg.Addr, reg.Cores)
			body, err := json.Marshal(executor.RegisterReply{HeartbeatIntervalMillis: s.c.cfg.HeartbeatInterval.Milliseconds()})
			if err != nil {
				return status.Error(codes.Internal, err.Error())
			}
			return stream.Send(&flight.Result{Body: body})
		case executor.ActionHeartbeat:
			var hb executor.Heartbeat
			if err := json.Unmarshal(a.GetBody(), &hb); err != nil {
				return status.Errorf(codes.InvalidArgument, "coordinator: heartbeat: %v", err)
			}
			if !s.c.reg.heartbeat(hb.Addr) {
				return status.Errorf(codes.NotFound, "coordinator: executor %q is not registered", hb.Addr)
			}
			return nil
		}
		return status.Errorf(codes.Unimplemented, "coordinator: unknown action %q", a.GetType())
	})
}

// validAddr checks an executor address is host:port.
func validAddr(addr string) error {
	if len(addr) > 512 {
		return fmt.Errorf("address of %d bytes", len(addr))
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "" || port == "" || port == "0" {
		return fmt.Errorf("address %q: want host:port", addr)
	}
	return nil
}
