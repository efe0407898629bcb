package shuffle

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	flightpb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/exec"
)

// testExecutor is a store served by its own Flight service, as on one executor.
type testExecutor struct {
	store *Store
	addr  string
	srv   *grpc.Server
}

func startExecutor(t testing.TB, memoryLimit int64) *testExecutor {
	t.Helper()
	s, err := NewStore(t.TempDir(), memoryLimit)
	if err != nil {
		t.Fatal(err)
	}
	srv, lis, err := Serve("localhost:0", s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return &testExecutor{store: s, addr: lis.Addr().String(), srv: srv}
}

func newTestFetcher(t testing.TB, secret, localAddr string, local *Store) *Fetcher {
	f := NewFetcher(secret, localAddr, local)
	t.Cleanup(func() { f.Close() })
	return f
}

// Two executors each run two map tasks; reducers on a third process read
// every partition from both, and together they see exactly the input rows.
func TestShuffleAcrossTwoExecutors(t *testing.T) {
	const parts = 4
	ex := []*testExecutor{startExecutor(t, 1<<30), startExecutor(t, 0)} // one in memory, one on disk
	var input []arrow.RecordBatch
	var locs [parts][]Location
	for e, x := range ex {
		for m := 0; m < 2; m++ {
			id := mapID("q7", 1, 2*e+m)
			batches := genBatches(uint64(10+2*e+m), 3, 1500, 11)
			input = append(input, batches...)
			writeMapOutput(t, x.store, id, parts, batches)
			for p := 0; p < parts; p++ {
				locs[p] = append(locs[p], Location{Addr: x.addr, ID: id.Partition(p)})
			}
		}
	}
	f := newTestFetcher(t, testSecret, "", nil)
	reader := NewShuffleReaderExec(lineitemSchema, parts, func(p int) []Location { return locs[p] }, f).WithStage(1)
	if got := reader.String(); got != "ShuffleReaderExec: stage=1 partitions=4" {
		t.Fatalf("String() = %q", got)
	}
	var all []arrow.RecordBatch
	for p := 0; p < parts; p++ {
		st, err := reader.Execute(testTaskContext(), p)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, st)
		checkPartitioned(t, got, p, parts)
		all = append(all, got...)
	}
	sameRows(t, all, input)
	served := ex[0].store.Stats().BytesServed + ex[1].store.Stats().BytesServed
	written := ex[0].store.Stats().BytesWritten + ex[1].store.Stats().BytesWritten
	fs := f.Stats()
	if ex[0].store.Stats().BytesServed == 0 || ex[1].store.Stats().BytesServed == 0 || served != written {
		t.Fatalf("served %d bytes of %d written", served, written)
	}
	// Fetched = served frames plus one schema message per partition.
	if fs.BytesFetched < served || fs.RemoteReads != 4*parts || fs.LocalReads != 0 || fs.Conns != 2 {
		t.Fatalf("fetcher stats %+v (served %d)", fs, served)
	}
}

func TestSecretRequired(t *testing.T) {
	x := startExecutor(t, 1<<30)
	writeMapOutput(t, x.store, mapID("q", 1, 0), 1, genBatches(1, 1, 10, 0))
	id := PartitionID{Query: "q", Stage: 1, MapTask: 0, Partition: 0}
	for _, secret := range []string{"wrong", "s3cret-for-test", ""} {
		f := newTestFetcher(t, secret, "", nil)
		_, err := f.Fetch(context.Background(), x.addr, id)
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("secret %q: got %v, want Unauthenticated", secret, err)
		}
	}
	// No interceptor at all: no metadata key.
	conn, err := grpc.NewClient(x.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := flightpb.NewFlightServiceClient(conn)
	stream, err := client.DoGet(context.Background(), &flight.Ticket{Ticket: EncodeTicket(id, 0)})
	if err == nil {
		_, err = stream.Recv()
	}
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("no secret: got %v", err)
	}
	// Unary calls go through UnaryServerInterceptor.
	if _, err := client.GetFlightInfo(context.Background(), &flight.FlightDescriptor{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("unary without secret: got %v", err)
	}
	good, err := grpc.NewClient(x.addr, DialOptions(testSecret)...)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	if _, err := flightpb.NewFlightServiceClient(good).GetFlightInfo(context.Background(), &flight.FlightDescriptor{}); status.Code(err) != codes.Unimplemented {
		t.Fatalf("unary with secret: got %v, want Unimplemented", err)
	}
	// A garbage ticket with the right secret.
	gs, err := flightpb.NewFlightServiceClient(good).DoGet(context.Background(), &flight.Ticket{Ticket: []byte("garbage")})
	if err == nil {
		_, err = gs.Recv()
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("garbage ticket: got %v", err)
	}
	// And the right one works.
	f := newTestFetcher(t, testSecret, "", nil)
	r, err := f.Fetch(context.Background(), x.addr, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, r); len(got) != 1 {
		t.Fatalf("got %d batches", len(got))
	}
	if _, _, err := Serve("localhost:0", x.store, ""); err == nil {
		t.Fatal("Serve with an empty secret")
	}
}

func TestMissingPartitionIsFetchFailed(t *testing.T) {
	x := startExecutor(t, 1<<30)
	id := PartitionID{Query: "gone", Stage: 2, MapTask: 5, Partition: 1}
	check := func(name string, err error, addr string) {
		t.Helper()
		var ff *FetchFailedError
		if !errors.As(err, &ff) || ff.ID != id || ff.Addr != addr {
			t.Fatalf("%s: got %v, want FetchFailedError", name, err)
		}
	}
	_, err := newTestFetcher(t, testSecret, "", nil).Fetch(context.Background(), x.addr, id)
	check("remote", err, x.addr)
	if status.Code(errors.Unwrap(err)) != codes.NotFound {
		t.Fatalf("remote: cause %v", errors.Unwrap(err))
	}
	_, err = newTestFetcher(t, testSecret, x.addr, x.store).Fetch(context.Background(), x.addr, id)
	check("local", err, x.addr)

	// A dropped map output (lost output the coordinator must recompute),
	// read through ShuffleReaderExec among good locations.
	writeMapOutput(t, x.store, mapID("gone", 2, 4), 2, genBatches(1, 2, 100, 0))
	writeMapOutput(t, x.store, mapID("gone", 2, 5), 2, genBatches(2, 2, 100, 0))
	x.store.Drop(mapID("gone", 2, 5))
	locs := []Location{{x.addr, PartitionID{"gone", 2, 4, 1}}, {x.addr, id}}
	reader := NewShuffleReaderExec(lineitemSchema, 2, func(int) []Location { return locs }, newTestFetcher(t, testSecret, "", nil))
	st, _ := reader.Execute(testTaskContext(), 1)
	defer st.Close()
	for {
		b, err := st.Next()
		if err != nil {
			check("reader", err, x.addr)
			break
		}
		if b == nil {
			t.Fatal("reader ended without the fetch failure")
		}
	}

	// A peer that is gone.
	dead := startExecutor(t, 1<<30)
	dead.srv.Stop()
	_, err = newTestFetcher(t, testSecret, "", nil).Fetch(context.Background(), dead.addr, id)
	check("dead peer", err, dead.addr)
}

func TestLocalShortCircuit(t *testing.T) {
	x := startExecutor(t, 1<<30)
	batches := genBatches(3, 2, 500, 0)
	writeMapOutput(t, x.store, mapID("q", 1, 0), 1, batches)
	f := newTestFetcher(t, testSecret, x.addr, x.store)
	r, err := f.Fetch(context.Background(), x.addr, PartitionID{Query: "q", Stage: 1, MapTask: 0, Partition: 0})
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, readAll(t, r), batches)
	st, fs := x.store.Stats(), f.Stats()
	if st.BytesServed != 0 || st.BytesReadLocal != st.BytesWritten || fs.LocalReads != 1 || fs.RemoteReads != 0 || fs.Conns != 0 {
		t.Fatalf("store %+v fetcher %+v: want a local read without gRPC", st, fs)
	}
}

func TestFetchCancelledMidStream(t *testing.T) {
	x := startExecutor(t, 1<<30)
	writeMapOutput(t, x.store, mapID("q", 1, 0), 1, genBatches(4, 40, 4000, 0))
	f := newTestFetcher(t, testSecret, "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := f.Fetch(ctx, x.addr, PartitionID{Query: "q", Stage: 1, MapTask: 0, Partition: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := r.Next(); err != nil || b == nil {
		t.Fatalf("first batch: %v", err)
	}
	cancel()
	start := time.Now()
	for {
		b, err := r.Next()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
			break
		}
		if b == nil {
			t.Fatal("stream ended normally after cancel")
		}
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	if served, written := x.store.Stats().BytesServed, x.store.Stats().BytesWritten; served >= written {
		// The server stops sending; it may have sent what the flow-control
		// windows hold, not everything.
		t.Logf("served %d of %d bytes", served, written)
	}

	// The same through ShuffleReaderExec: cancelling the task ends the stream.
	locs := []Location{{x.addr, PartitionID{Query: "q", Stage: 1, MapTask: 0, Partition: 0}}}
	reader := NewShuffleReaderExec(lineitemSchema, 1, func(int) []Location { return locs }, f)
	tctx := exec.NewTaskContext(context.Background(), 0)
	tc, tcancel := context.WithCancel(tctx.Ctx)
	tctx.Ctx = tc
	st, _ := reader.Execute(tctx, 0)
	if b, err := st.Next(); err != nil || b == nil {
		t.Fatalf("first batch: %v", err)
	}
	tcancel()
	for {
		b, err := st.Next()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("reader: got %v", err)
			}
			break
		}
		if b == nil {
			t.Fatal("reader ended normally after cancel")
		}
	}
	st.Close()
}

// The reducer never holds more than MaxBytesInFlight of fetched, unconsumed
// batches, however many fetches run at once.
func TestBytesInFlightBound(t *testing.T) {
	ex := []*testExecutor{startExecutor(t, 1<<30), startExecutor(t, 1<<30)}
	var locs []Location
	var input []arrow.RecordBatch
	for e, x := range ex {
		for m := 0; m < 4; m++ {
			batches := genBatches(uint64(100+4*e+m), 6, 2000, 0) // ~200 KiB a batch
			input = append(input, batches...)
			id := mapID("q", 1, 4*e+m)
			writeMapOutput(t, x.store, id, 1, batches)
			locs = append(locs, Location{Addr: x.addr, ID: id.Partition(0)})
		}
	}
	batchSize := batchBytes(input[0])
	f := newTestFetcher(t, testSecret, "", nil)
	f.MaxBytesInFlight = 3 * batchSize
	f.MaxConcurrentFetches = 8
	reader := NewShuffleReaderExec(lineitemSchema, 1, func(int) []Location { return locs }, f)
	st, _ := reader.Execute(testTaskContext(), 0)
	var got []arrow.RecordBatch
	for {
		b, err := st.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		got = append(got, b)
		time.Sleep(2 * time.Millisecond) // a slow consumer: fetchers fill the budget
	}
	st.Close()
	sameRows(t, got, input)
	peak := f.Stats().PeakBytesInFlight
	if peak > f.MaxBytesInFlight || peak < 2*batchSize {
		t.Fatalf("peak in flight %d, limit %d, batch %d", peak, f.MaxBytesInFlight, batchSize)
	}
	t.Logf("peak in flight %d of %d (batch %d bytes)", peak, f.MaxBytesInFlight, batchSize)
}
