package shuffle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// spillBufferBytes is how much a spilled writer buffers before it appends
// its partitions' frames to the map output file: each flush adds at most
// one extent per partition, so partitions stay in few, large runs.
var spillBufferBytes int64 = 4 << 20

// maxPartitions bounds the partition count of one map output.
const maxPartitions = 1 << 20

// Writer writes one map task's output: batches per partition, then Commit
// (or Abort). It keeps the partitions in memory while the store can reserve
// the bytes; the first time it cannot, it moves everything it holds to a
// file for the map output and appends to that file from then on. A Writer
// is used by one goroutine.
type Writer struct {
	store  *Store
	id     MapOutputID
	schema *arrow.Schema

	encs  []*ipc.Writer // per partition, created on first use
	bufs  []partBuf
	sizes []int64 // bytes per partition, memory and file
	added int64   // bytes the last encoder call appended

	reserved int64 // store memory held by bufs (before spilling)
	pending  int64 // bytes in bufs (after spilling)

	file    *os.File
	path    string
	fileOff int64
	extents [][]extent

	codec Compression
	done  bool
	err   error
}

// NewWriter starts the output of map task id with numPartitions partitions
// of the given schema.
func (s *Store) NewWriter(id MapOutputID, numPartitions int, schema *arrow.Schema) (*Writer, error) {
	if err := id.validate(); err != nil {
		return nil, fmt.Errorf("shuffle: %w", err)
	}
	if numPartitions < 1 || numPartitions > maxPartitions {
		return nil, fmt.Errorf("shuffle: %s: %d partitions not in [1, %d]", id, numPartitions, maxPartitions)
	}
	if schema == nil {
		return nil, fmt.Errorf("shuffle: %s: nil schema", id)
	}
	if s.isDropped(id.Query) {
		return nil, fmt.Errorf("shuffle: %s: query was dropped", id)
	}
	return &Writer{
		store:   s,
		id:      id,
		schema:  schema,
		encs:    make([]*ipc.Writer, numPartitions),
		bufs:    make([]partBuf, numPartitions),
		sizes:   make([]int64, numPartitions),
		extents: make([][]extent, numPartitions),
		codec:   Compression(s.codec.Load()),
	}, nil
}

// ID is the map output the writer writes.
func (w *Writer) ID() MapOutputID { return w.id }

// NumPartitions is the partition count.
func (w *Writer) NumPartitions() int { return len(w.bufs) }

// Schema is the schema of the batches.
func (w *Writer) Schema() *arrow.Schema { return w.schema }

// partSink receives one partition's IPC payloads and stores them as frames.
// The first payload of every IPC stream is its schema: the map output keeps
// one schema message for all partitions instead.
type partSink struct {
	w          *Writer
	p          int
	schemaSeen bool
}

func (s *partSink) Start() error { return nil }
func (s *partSink) Close() error { return nil }

func (s *partSink) WritePayload(payload ipc.Payload) error {
	if !s.schemaSeen {
		s.schemaSeen = true
		return nil
	}
	meta := payload.Meta()
	defer meta.Release()
	n, err := s.w.bufs[s.p].appendPayload(meta.Bytes(), &payload)
	s.w.added += n
	s.w.sizes[s.p] += n
	return err
}

// Write appends batch to partition p. Its columns must have the writer's
// types (field names and nullability may differ).
func (w *Writer) Write(p int, batch arrow.RecordBatch) error {
	if w.done {
		return fmt.Errorf("shuffle: %s: write after commit or abort", w.id)
	}
	if w.err != nil {
		return w.err
	}
	if p < 0 || p >= len(w.bufs) {
		return fmt.Errorf("shuffle: %s: partition %d out of range [0,%d)", w.id, p, len(w.bufs))
	}
	if batch.NumRows() == 0 {
		return nil
	}
	if !batch.Schema().Equal(w.schema) {
		if err := w.checkColumns(batch); err != nil {
			return err
		}
		batch = array.NewRecordBatch(w.schema, batch.Columns(), batch.NumRows())
		defer batch.Release()
	}
	enc := w.encs[p]
	if enc == nil {
		opts := []ipc.Option{ipc.WithSchema(w.schema), ipc.WithAllocator(w.store.alloc)}
		if w.codec == CompressionLZ4 {
			opts = append(opts, ipc.WithLZ4())
		}
		enc = ipc.NewWriterWithPayloadWriter(&partSink{w: w, p: p}, opts...)
		w.encs[p] = enc
	}
	w.added = 0
	if err := enc.Write(batch); err != nil {
		return w.fail(fmt.Errorf("shuffle: %s: encoding partition %d: %w", w.id, p, err))
	}
	if w.file == nil {
		if w.store.tryReserve(w.added) {
			w.reserved += w.added
			return nil
		}
		return w.spill()
	}
	w.pending += w.added
	if w.pending >= spillBufferBytes {
		return w.flush()
	}
	return nil
}

func (w *Writer) checkColumns(b arrow.RecordBatch) error {
	if int(b.NumCols()) != w.schema.NumFields() {
		return fmt.Errorf("shuffle: %s: batch has %d columns, the map output %d", w.id, b.NumCols(), w.schema.NumFields())
	}
	for i, c := range b.Columns() {
		if want := w.schema.Field(i).Type; !arrow.TypeEqual(c.DataType(), want) {
			return fmt.Errorf("shuffle: %s: column %d is %s, the map output's is %s", w.id, i, c.DataType(), want)
		}
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// spill moves the writer to disk: it creates the map output file, writes
// what it buffered and returns its memory reservation.
func (w *Writer) spill() error {
	path, err := w.store.newSpillPath(w.id)
	if err != nil {
		return w.fail(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return w.fail(fmt.Errorf("shuffle: %s: %w", w.id, err))
	}
	w.file, w.path = f, path
	w.store.spills.Add(1)
	w.store.release(w.reserved)
	w.reserved = 0
	return w.flush()
}

// flush appends every buffered partition to the file, one extent each.
func (w *Writer) flush() error {
	for p := range w.bufs {
		pb := &w.bufs[p]
		if pb.size == 0 {
			continue
		}
		for _, c := range pb.chunks {
			if _, err := w.file.Write(c); err != nil {
				return w.fail(fmt.Errorf("shuffle: %s: writing %s: %w", w.id, w.path, err))
			}
		}
		w.extents[p] = append(w.extents[p], extent{off: w.fileOff, len: pb.size})
		w.fileOff += pb.size
		w.store.bytesSpilled.Add(pb.size)
		pb.reset()
	}
	w.pending = 0
	return nil
}

// closeEncoders ends the partitions' IPC streams (releasing dictionaries).
func (w *Writer) closeEncoders() {
	for _, e := range w.encs {
		if e != nil {
			e.Close()
		}
	}
}

// Commit ends the map output and publishes it in the store. It returns the
// compressed size of each partition in bytes (what a reducer will fetch).
// After an error the output is discarded, as by Abort.
func (w *Writer) Commit() ([]int64, error) {
	if w.done {
		return nil, fmt.Errorf("shuffle: %s: already committed or aborted", w.id)
	}
	if w.err != nil {
		w.Abort()
		return nil, w.err
	}
	w.closeEncoders()
	out := &mapOutput{
		id:        w.id,
		schema:    w.schema,
		schemaMsg: schemaMessage(w.schema, w.store.alloc),
		parts:     make([]partData, len(w.bufs)),
	}
	var total int64
	for _, n := range w.sizes {
		total += n
	}
	if w.file != nil {
		err := w.flush()
		if cerr := w.file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("shuffle: %s: closing %s: %w", w.id, w.path, cerr)
		}
		w.file = nil
		if err != nil {
			w.done = true
			os.Remove(w.path)
			return nil, err
		}
		out.path, out.diskBytes = w.path, w.fileOff
		for p := range out.parts {
			out.parts[p] = partData{extents: w.extents[p], size: w.sizes[p]}
		}
	} else {
		out.memBytes = w.reserved
		for p := range out.parts {
			w.bufs[p].trim()
			out.parts[p] = partData{chunks: w.bufs[p].chunks, size: w.sizes[p]}
		}
	}
	w.done = true
	if err := w.store.register(out); err != nil {
		w.store.release(out.memBytes)
		if out.path != "" {
			os.Remove(out.path)
			os.Remove(filepath.Dir(out.path)) // only if empty: a dropped query's
		}
		return nil, err
	}
	w.reserved = 0
	w.bufs = nil
	w.store.bytesWritten.Add(total)
	return append([]int64(nil), w.sizes...), nil
}

// Abort discards the output. It may be called after Commit (no effect) and
// more than once.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.closeEncoders()
	if w.file != nil {
		w.file.Close()
		os.Remove(w.path)
		w.file = nil
	}
	w.store.release(w.reserved)
	w.reserved = 0
	w.bufs = nil
	if w.err == nil {
		w.err = errors.New("shuffle: writer aborted")
	}
}
