package shuffle

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	flightpb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Defaults of a Fetcher's bounds.
const (
	DefaultMaxBytesInFlight     = 64 << 20
	DefaultMaxConcurrentFetches = 4
)

// FetchFailedError reports a map output partition that could not be fetched
// because its executor no longer has it (codes.NotFound) or cannot be
// reached (codes.Unavailable: the executor is probably gone). The scheduler
// reacts by recomputing the map output (Spark's fetch failure).
type FetchFailedError struct {
	ID   PartitionID
	Addr string
	Err  error
}

func (e *FetchFailedError) Error() string {
	return fmt.Sprintf("shuffle: fetch failed: %s from %s: %v", e.ID, e.Addr, e.Err)
}

func (e *FetchFailedError) Unwrap() error { return e.Err }

// Fetcher reads map output partitions for the reducers of one executor. It
// keeps one gRPC connection per peer and reads partitions of its own
// executor (localAddr) from the local store without gRPC. It is safe for
// concurrent use.
type Fetcher struct {
	secret    string
	localAddr string
	local     *Store
	alloc     memory.Allocator

	// MaxBytesInFlight bounds, per ShuffleReaderExec stream (one reducer),
	// the bytes of batches fetched but not yet consumed.
	MaxBytesInFlight int64
	// MaxConcurrentFetches bounds the peers one reducer fetches from at
	// once (one stream per peer).
	MaxConcurrentFetches int

	mu     sync.Mutex
	conns  map[string]*grpc.ClientConn
	closed bool

	bytesFetched atomic.Int64
	localReads   atomic.Int64
	remoteReads  atomic.Int64
	peakInFlight atomic.Int64
}

// FetcherStats are a Fetcher's counters.
type FetcherStats struct {
	// BytesFetched counts bytes received from other executors (Flight
	// messages: compressed IPC).
	BytesFetched int64
	// LocalReads and RemoteReads count partitions opened locally and over
	// Flight.
	LocalReads, RemoteReads int64
	// PeakBytesInFlight is the most bytes one reducer ever held in flight.
	PeakBytesInFlight int64
	// Conns is the number of pooled peer connections.
	Conns int
}

// NewFetcher returns the fetcher of an executor. localAddr is the address
// the executor's Flight service is known by to the coordinator, and local
// its store; a fetch from localAddr reads local directly (no local store:
// "" and nil).
func NewFetcher(secret, localAddr string, local *Store) *Fetcher {
	return &Fetcher{
		secret:               secret,
		localAddr:            localAddr,
		local:                local,
		alloc:                memory.DefaultAllocator,
		MaxBytesInFlight:     DefaultMaxBytesInFlight,
		MaxConcurrentFetches: DefaultMaxConcurrentFetches,
		conns:                make(map[string]*grpc.ClientConn),
	}
}

// Stats returns a snapshot of the counters.
func (f *Fetcher) Stats() FetcherStats {
	f.mu.Lock()
	n := len(f.conns)
	f.mu.Unlock()
	return FetcherStats{
		BytesFetched:      f.bytesFetched.Load(),
		LocalReads:        f.localReads.Load(),
		RemoteReads:       f.remoteReads.Load(),
		PeakBytesInFlight: f.peakInFlight.Load(),
		Conns:             n,
	}
}

// Close closes the pooled connections.
func (f *Fetcher) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	var errs []error
	for addr, c := range f.conns {
		errs = append(errs, c.Close())
		delete(f.conns, addr)
	}
	return errors.Join(errs...)
}

// conn returns the pooled connection to addr, creating it on first use.
func (f *Fetcher) conn(addr string) (*grpc.ClientConn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, fmt.Errorf("shuffle: fetcher closed")
	}
	if c := f.conns[addr]; c != nil {
		return c, nil
	}
	opts := append(DialOptions(f.secret),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageBytes)),
		grpc.WithInitialWindowSize(windowBytes),
		grpc.WithInitialConnWindowSize(4*windowBytes),
		grpc.WithReadBufferSize(256<<10),
		grpc.WithWriteBufferSize(256<<10))
	c, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("shuffle: connecting to %s: %w", addr, err)
	}
	f.conns[addr] = c
	return c, nil
}

// windowBytes is the HTTP/2 flow-control window of a fetch stream: what a
// peer may send ahead of the reducer.
const windowBytes = 4 << 20

// Fetch opens a map output partition held by the executor at addr. The
// reader's batches stream as they arrive; Close ends the call. A partition
// the peer does not have, or a peer that cannot be reached, is a
// *FetchFailedError; other errors name the partition and the peer.
func (f *Fetcher) Fetch(ctx context.Context, addr string, id PartitionID) (BatchReader, error) {
	if f.local != nil && addr == f.localAddr {
		_, r, err := f.local.Open(id)
		if err != nil {
			return nil, f.wrapErr(ctx, addr, id, err)
		}
		f.localReads.Add(1)
		return r, nil
	}
	c, err := f.conn(addr)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	stream, err := flightpb.NewFlightServiceClient(c).DoGet(cctx, &flight.Ticket{Ticket: EncodeTicket(id, 0)})
	if err != nil {
		cancel()
		return nil, f.wrapErr(ctx, addr, id, err)
	}
	counting := &countingStream{s: stream, n: &f.bytesFetched}
	rdr, err := flight.NewRecordReader(counting, ipc.WithAllocator(f.alloc))
	if err != nil {
		cancel()
		return nil, f.wrapErr(ctx, addr, id, err)
	}
	f.remoteReads.Add(1)
	return &remoteReader{f: f, ctx: ctx, cancel: cancel, addr: addr, id: id, r: rdr}, nil
}

// wrapErr turns a fetch error into the error a reducer reports.
func (f *Fetcher) wrapErr(ctx context.Context, addr string, id PartitionID, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("shuffle: fetching %s from %s: %w", id, addr, cerr)
	}
	if errors.Is(err, ErrNotFound) {
		return &FetchFailedError{ID: id, Addr: addr, Err: err}
	}
	switch status.Code(err) {
	case codes.NotFound, codes.Unavailable:
		return &FetchFailedError{ID: id, Addr: addr, Err: err}
	}
	return fmt.Errorf("shuffle: fetching %s from %s: %w", id, addr, err)
}

// countingStream counts the bytes of the Flight messages received.
type countingStream struct {
	s interface {
		Recv() (*flight.FlightData, error)
	}
	n *atomic.Int64
}

func (c *countingStream) Recv() (*flight.FlightData, error) {
	fd, err := c.s.Recv()
	if fd != nil {
		c.n.Add(int64(len(fd.DataHeader) + len(fd.DataBody)))
	}
	return fd, err
}

// remoteReader reads a partition streamed by a peer's DoGet.
type remoteReader struct {
	f      *Fetcher
	ctx    context.Context
	cancel context.CancelFunc
	addr   string
	id     PartitionID
	r      *flight.Reader
	done   bool
	err    error // sticky
}

func (r *remoteReader) Schema() *arrow.Schema { return r.r.Schema() }

func (r *remoteReader) Next() (arrow.RecordBatch, error) {
	if r.err != nil || r.done {
		return nil, r.err
	}
	for {
		b, err := r.r.Read()
		if isEOF(err) {
			r.done = true
			return nil, nil
		}
		if err != nil {
			r.err = r.f.wrapErr(r.ctx, r.addr, r.id, err)
			return nil, r.err
		}
		if b.NumRows() == 0 {
			continue
		}
		b.Retain() // the reader releases it on the next Read
		return b, nil
	}
}

func (r *remoteReader) Close() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	r.done = true
	r.r.Release()
}
