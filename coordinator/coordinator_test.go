package coordinator

import (
	"context"
	"errors"
	"fmt"
	"github.com/aloftdb/aloft/internal/resultrows"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	flightpb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/executor"
	"github.com/aloftdb/aloft/shuffle"
)

// TestTPCH: three executors register themselves and TPC-H queries run on
// them through Query with the single-process engine's answers.
func TestTPCH(t *testing.T) {
	tc := startCluster(t, 3, Config{})
	for _, ex := range tc.coord.Executors() {
		if ex.Cores != 2 {
			t.Errorf("executor %s registered %d cores, want 2", ex.Addr, ex.Cores)
		}
	}
	for _, n := range []int{1, 3, 5, 9, 13, 18} {
		t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) { runAndCheck(t, tc.coord, n) })
	}
	served := 0
	for i, ex := range tc.execs {
		st := ex.Store().Stats()
		if st.BytesServed > 0 {
			served++
		}
		if st.MapOutputs != 0 {
			t.Errorf("executor %d still holds %d map outputs", i, st.MapOutputs)
		}
	}
	if served < 2 {
		t.Errorf("only %d executors served shuffle bytes", served)
	}
}

// TestStatementsOnCoordinator: DDL, SHOW, DESCRIBE and EXPLAIN run on the
// coordinator's engine; a table created there is queried on the executors.
func TestStatementsOnCoordinator(t *testing.T) {
	tc := startCluster(t, 2, Config{})
	ctx := timeout(t)
	res, err := tc.coord.Query(ctx, fmt.Sprintf("CREATE EXTERNAL TABLE n2 STORED AS PARQUET LOCATION '%s/nation.parquet'", dataDir))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Message, "created table n2") {
		t.Errorf("message %q", res.Message)
	}
	for _, q := range []string{"SHOW TABLES", "DESCRIBE n2", "EXPLAIN SELECT count(*) FROM n2"} {
		res, err := tc.coord.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if res.NumRows() == 0 {
			t.Errorf("%s: no rows", q)
		}
		release(res)
	}
	res, err = tc.coord.Query(ctx, "SELECT count(*) FROM n2")
	if err != nil {
		t.Fatal(err)
	}
	defer release(res)
	if got := resultrows.Of(res.Batches); len(got) != 1 || got[0][0] != "25" {
		t.Errorf("count = %v, want 25", got)
	}
	if _, err := tc.coord.Query(ctx, "SELECT 1; SELECT 2"); err == nil {
		t.Error("two queries in one call: no error")
	}
}

// TestNoExecutors: a query without executors fails clearly; DDL still runs.
func TestNoExecutors(t *testing.T) {
	c, err := New(Config{Secret: testSecret}, newEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Query(timeout(t), query(t, 6))
	if !errors.Is(err, ErrNoExecutors) || err.Error() != "no executors registered" {
		t.Fatalf("got %v, want %q", err, "no executors registered")
	}
	if _, err := c.Query(timeout(t), "SHOW TABLES"); err != nil {
		t.Fatal(err)
	}
}

// TestExecutorLost: an executor that dies and stops heartbeating is
// declared lost, and queries run on the others; when it comes back it
// registers again.
func TestExecutorLost(t *testing.T) {
	tc := startCluster(t, 3, Config{HeartbeatInterval: 50 * time.Millisecond, HeartbeatTimeout: 500 * time.Millisecond})
	lost := tc.execs[1].Addr()
	tc.execs[1].Stop()
	tc.stops[1]()
	if err := <-tc.done[1]; err != nil {
		t.Fatalf("RegisterWith: %v", err)
	}
	tc.done[1] <- nil // for the cleanup
	waitFor(t, func() bool { return len(tc.coord.Executors()) == 2 }, "the stopped executor declared lost")
	for _, ex := range tc.coord.Executors() {
		if ex.Addr == lost {
			t.Fatalf("lost executor %s still listed", lost)
		}
	}
	for _, n := range []int{3, 9} {
		runAndCheck(t, tc.coord, n)
	}
	if st := tc.execs[1].Store().Stats(); st.BytesWritten != 0 {
		t.Errorf("the lost executor wrote %d shuffle bytes", st.BytesWritten)
	}

	// Heartbeats from an executor declared lost are refused with NotFound,
	// and RegisterWith then registers again.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tc.execs[2].RegisterWith(ctx, tc.coord.Addr(), testSecret, 20*time.Millisecond) }()
	defer func() { cancel(); <-done }()
	tc.coord.reg.mu.Lock()
	delete(tc.coord.reg.members, tc.execs[2].Addr())
	tc.coord.reg.mu.Unlock()
	waitFor(t, func() bool { return len(tc.coord.Executors()) == 2 }, "the forgotten executor registered again")
}

// TestWrongSecret: registering with a wrong secret, or none, is refused.
func TestWrongSecret(t *testing.T) {
	c, err := New(Config{Secret: testSecret}, newEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ex, err := executor.New(executor.Config{WorkDir: t.TempDir(), Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = ex.RegisterWith(ctx, c.Addr(), "wrong-secret", 10*time.Millisecond)
	if status.Code(errors.Unwrap(err)) != codes.Unauthenticated {
		t.Fatalf("RegisterWith with a wrong secret: %v, want Unauthenticated", err)
	}
	// No secret at all.
	conn, err := grpc.NewClient(c.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, typ := range []string{executor.ActionRegister, executor.ActionHeartbeat} {
		stream, err := flightpb.NewFlightServiceClient(conn).DoAction(ctx, &flight.Action{Type: typ, Body: []byte(`{"addr":"localhost:1","cores":2}`)})
		if err == nil {
			_, err = stream.Recv()
		}
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s without a secret: %v, want Unauthenticated", typ, err)
		}
	}
	if n := len(c.Executors()); n != 0 {
		t.Errorf("%d executors registered", n)
	}
}

// TestBadRegistration: malformed registrations are refused.
func TestBadRegistration(t *testing.T) {
	c, err := New(Config{Secret: testSecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn, err := grpc.NewClient(c.Addr(), shuffle.DialOptions(testSecret)...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := flightpb.NewFlightServiceClient(conn)
	ctx := timeout(t)
	for _, body := range []string{`not json`, `{"addr":""}`, `{"addr":"nohost"}`, `{"addr":"h:1","cores":100000}`} {
		stream, err := client.DoAction(ctx, &flight.Action{Type: executor.ActionRegister, Body: []byte(body)})
		if err == nil {
			_, err = stream.Recv()
		}
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("register %s: %v, want InvalidArgument", body, err)
		}
	}
	stream, err := client.DoAction(ctx, &flight.Action{Type: "aloft.nope"})
	if err == nil {
		_, err = stream.Recv()
	}
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("unknown action: %v", err)
	}
}

// TestConcurrentQueries: four queries at once, each right.
func TestConcurrentQueries(t *testing.T) {
	tc := startCluster(t, 3, Config{})
	t.Run("group", func(t *testing.T) {
		for _, n := range []int{5, 9, 18, 21} {
			t.Run(fmt.Sprintf("q%02d", n), func(t *testing.T) {
				t.Parallel()
				runAndCheck(t, tc.coord, n)
			})
		}
	})
	for i, ex := range tc.execs {
		if n := ex.Store().Stats().MapOutputs; n != 0 {
			t.Errorf("executor %d still holds %d map outputs", i, n)
		}
	}
}
