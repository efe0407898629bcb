package shuffle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ErrNotFound is matched (errors.Is) by every error reporting a map output
// partition a store does not hold.
var ErrNotFound = errors.New("shuffle: map output not found")

// NotFoundError reports a partition whose map output the store does not hold
// (never written, dropped, or written before the executor restarted).
type NotFoundError struct{ ID PartitionID }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("shuffle: no map output for %s on this executor", e.ID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// droppedQueriesKept bounds how many dropped query ids a store remembers (to
// refuse late commits of tasks that outlived their query).
const droppedQueriesKept = 4096

// Store holds the map outputs of one executor: each partition as compressed
// Arrow IPC frames, in memory while the in-memory total stays under the
// memory limit, otherwise in one file per map output under
// workDir/shuffle/q-<query>/. It is safe for concurrent use.
type Store struct {
	root     string
	memLimit int64
	alloc    memory.Allocator
	codec    atomic.Int32 // Compression of new writers

	mu      sync.Mutex
	outputs map[MapOutputID]*mapOutput
	dropped map[string]struct{}
	dropFIF []string
	memUsed int64 // committed in-memory outputs plus writers' reservations
	onDisk  int64
	seq     int64

	bytesWritten   atomic.Int64
	bytesServed    atomic.Int64
	bytesReadLocal atomic.Int64
	bytesSpilled   atomic.Int64
	spills         atomic.Int64
}

// mapOutput is one committed map output.
type mapOutput struct {
	id        MapOutputID
	schema    *arrow.Schema
	schemaMsg []byte // IPC Message flatbuffer of the schema
	parts     []partData
	path      string // map output file; "" when in memory
	memBytes  int64
	diskBytes int64
}

// partData is one partition: in-memory chunks of frames, or extents of the
// map output file.
type partData struct {
	chunks  [][]byte
	extents []extent
	size    int64
}

// Stats are a store's counters. Bytes are compressed IPC bytes (frames).
type Stats struct {
	// BytesWritten counts bytes committed by map tasks.
	BytesWritten int64
	// BytesServed counts bytes streamed to other executors by DoGet.
	BytesServed int64
	// BytesReadLocal counts bytes read by this executor's own reducers
	// without gRPC (the local short-circuit).
	BytesReadLocal int64
	// BytesInMemory and BytesOnDisk are what the store holds now.
	BytesInMemory int64
	BytesOnDisk   int64
	// BytesSpilled counts bytes ever written to disk; Spills the map
	// outputs that went to disk.
	BytesSpilled int64
	Spills       int64
	// MapOutputs is the number of committed map outputs held.
	MapOutputs int
}

// NewStore opens the shuffle store of an executor in workDir/shuffle,
// deleting whatever a previous process left there (shuffle data never
// outlives its executor). memoryLimit is how many bytes of map output may
// be kept in memory; beyond it map outputs go to disk (<= 0: everything goes
// to disk).
func NewStore(workDir string, memoryLimit int64) (*Store, error) {
	if workDir == "" {
		return nil, fmt.Errorf("shuffle: empty work directory (executor.work_dir)")
	}
	root := filepath.Join(workDir, "shuffle")
	if err := os.RemoveAll(root); err != nil {
		return nil, fmt.Errorf("shuffle: deleting leftovers in %s: %w", root, err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("shuffle: creating %s: %w", root, err)
	}
	return &Store{
		root:     root,
		memLimit: memoryLimit,
		alloc:    memory.DefaultAllocator,
		outputs:  make(map[MapOutputID]*mapOutput),
		dropped:  make(map[string]struct{}),
	}, nil
}

// Compression is how map outputs are compressed.
type Compression int32

const (
	// CompressionLZ4 compresses IPC buffers with LZ4 frames (the default):
	// half the bytes to keep and to send, for CPU on both sides.
	CompressionLZ4 Compression = iota
	// CompressionNone stores and sends uncompressed IPC: cheaper when
	// executors share a host (loopback is faster than LZ4).
	CompressionNone
)

// SetCompression sets the compression of map outputs written from now on.
// Readers need no setting: IPC messages say how they are compressed.
func (s *Store) SetCompression(c Compression) { s.codec.Store(int32(c)) }

// Dir is the directory the store spills to (workDir/shuffle).
func (s *Store) Dir() string { return s.root }

// MemoryLimit is the in-memory limit in bytes.
func (s *Store) MemoryLimit() int64 { return s.memLimit }

// Stats returns a snapshot of the counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	mem, disk, n := s.memUsed, s.onDisk, len(s.outputs)
	s.mu.Unlock()
	return Stats{
		BytesWritten:   s.bytesWritten.Load(),
		BytesServed:    s.bytesServed.Load(),
		BytesReadLocal: s.bytesReadLocal.Load(),
		BytesInMemory:  mem,
		BytesOnDisk:    disk,
		BytesSpilled:   s.bytesSpilled.Load(),
		Spills:         s.spills.Load(),
		MapOutputs:     n,
	}
}

func (s *Store) queryDir(q string) string { return filepath.Join(s.root, "q-"+q) }

// tryReserve takes n bytes of the memory limit, or reports false.
func (s *Store) tryReserve(n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memLimit <= 0 || s.memUsed+n > s.memLimit {
		return false
	}
	s.memUsed += n
	return true
}

func (s *Store) release(n int64) {
	if n == 0 {
		return
	}
	s.mu.Lock()
	s.memUsed -= n
	s.mu.Unlock()
}

// newSpillPath names a new map output file and creates its directory.
func (s *Store) newSpillPath(id MapOutputID) (string, error) {
	s.mu.Lock()
	_, gone := s.dropped[id.Query]
	s.seq++
	seq := s.seq
	s.mu.Unlock()
	if gone {
		return "", fmt.Errorf("shuffle: %s: query was dropped", id)
	}
	dir := s.queryDir(id.Query)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("shuffle: %w", err)
	}
	return filepath.Join(dir, fmt.Sprintf("s%d-m%d-%d.data", id.Stage, id.MapTask, seq)), nil
}

// isDropped reports whether the query was dropped.
func (s *Store) isDropped(q string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.dropped[q]
	return ok
}

// register publishes a committed map output, replacing an earlier commit
// of the same map output (a re-run). The output's memBytes are already
// reserved by its writer.
func (s *Store) register(out *mapOutput) error {
	s.mu.Lock()
	if _, gone := s.dropped[out.id.Query]; gone {
		s.mu.Unlock()
		return fmt.Errorf("shuffle: %s: query was dropped", out.id)
	}
	old := s.outputs[out.id]
	if old != nil {
		s.forgetLocked(old)
	}
	s.outputs[out.id] = out
	s.onDisk += out.diskBytes
	s.mu.Unlock()
	if old != nil && old.path != "" {
		os.Remove(old.path)
	}
	return nil
}

// forgetLocked returns an output's accounting; the caller deletes its file.
func (s *Store) forgetLocked(o *mapOutput) {
	delete(s.outputs, o.id)
	s.memUsed -= o.memBytes
	s.onDisk -= o.diskBytes
}

// Drop deletes one map output (memory and file). Reducers that already
// opened one of its partitions finish reading it.
func (s *Store) Drop(id MapOutputID) {
	s.mu.Lock()
	o := s.outputs[id]
	if o != nil {
		s.forgetLocked(o)
	}
	s.mu.Unlock()
	if o != nil && o.path != "" {
		os.Remove(o.path)
	}
}

// DropQuery deletes everything the store holds for a query, in memory and
// on disk, and refuses later commits of the query's map tasks.
func (s *Store) DropQuery(query string) {
	if validateQuery(query) != nil {
		return // no output can have that name
	}
	s.mu.Lock()
	for id, o := range s.outputs {
		if id.Query == query {
			s.forgetLocked(o)
		}
	}
	if _, ok := s.dropped[query]; !ok {
		s.dropped[query] = struct{}{}
		s.dropFIF = append(s.dropFIF, query)
		if len(s.dropFIF) > droppedQueriesKept {
			delete(s.dropped, s.dropFIF[0])
			s.dropFIF = s.dropFIF[1:]
		}
	}
	s.mu.Unlock()
	os.RemoveAll(s.queryDir(query))
}

// Close deletes everything the store holds.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, o := range s.outputs {
		s.forgetLocked(o)
	}
	s.mu.Unlock()
	return os.RemoveAll(s.root)
}

// Has reports whether the store holds the map output.
func (s *Store) Has(id MapOutputID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outputs[id] != nil
}

// openFrames returns a partition's schema, schema message and frames;
// count is called with the bytes of each frame read.
func (s *Store) openFrames(id PartitionID, count func(int64)) (*mapOutput, frameSource, error) {
	if err := id.validate(); err != nil {
		return nil, nil, fmt.Errorf("shuffle: %w", err)
	}
	s.mu.Lock()
	o := s.outputs[id.MapOutput()]
	s.mu.Unlock()
	if o == nil {
		return nil, nil, &NotFoundError{ID: id}
	}
	if id.Partition >= len(o.parts) {
		return nil, nil, fmt.Errorf("shuffle: %s: the map output has %d partitions", id, len(o.parts))
	}
	p := o.parts[id.Partition]
	if o.path == "" {
		return o, &memFrames{chunks: p.chunks, count: count}, nil
	}
	src, err := openFileFrames(o.path, p.extents, count)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// Dropped between the lookup and the open.
			return nil, nil, &NotFoundError{ID: id}
		}
		return nil, nil, fmt.Errorf("shuffle: opening %s: %w", id, err)
	}
	return o, src, nil
}

// Open returns the schema and the batches of a partition held by this
// store. A partition the store does not hold is a *NotFoundError.
func (s *Store) Open(id PartitionID) (*arrow.Schema, BatchReader, error) {
	o, src, err := s.openFrames(id, func(n int64) { s.bytesReadLocal.Add(n) })
	if err != nil {
		return nil, nil, err
	}
	r, err := newFrameBatchReader(o.schemaMsg, src, s.alloc)
	if err != nil {
		return nil, nil, fmt.Errorf("shuffle: reading %s: %w", id, err)
	}
	return o.schema, r, nil
}

// schemaMessage returns the IPC Message flatbuffer of a schema.
func schemaMessage(schema *arrow.Schema, mem memory.Allocator) []byte {
	p := ipc.GetSchemaPayload(schema, mem)
	defer p.Release()
	m := p.Meta()
	defer m.Release()
	return append([]byte(nil), m.Bytes()...)
}
