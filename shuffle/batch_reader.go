package shuffle

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchReader yields the record batches of one shuffle partition, like an
// exec.Stream: Next returns (nil, nil) at the end, a returned batch belongs
// to the caller, and Close must be called.
type BatchReader interface {
	// Schema is the schema of the map output.
	Schema() *arrow.Schema
	Next() (arrow.RecordBatch, error)
	Close()
}

// frameMessages turns stored frames into IPC messages, the schema first.
type frameMessages struct {
	schemaMsg []byte
	src       frameSource
	sentSch   bool
	msg       *ipc.Message
	refs      atomic.Int64
}

func (m *frameMessages) Message() (*ipc.Message, error) {
	if m.msg != nil {
		m.msg.Release()
		m.msg = nil
	}
	var meta, body []byte
	if !m.sentSch {
		m.sentSch = true
		meta = m.schemaMsg
	} else {
		var err error
		if meta, body, err = m.src.next(); err != nil {
			return nil, err // io.EOF ends the stream
		}
	}
	m.msg = ipc.NewMessage(memory.NewBufferBytes(meta), memory.NewBufferBytes(body))
	return m.msg, nil
}

func (m *frameMessages) Retain() { m.refs.Add(1) }

func (m *frameMessages) Release() {
	if m.refs.Add(-1) == 0 && m.msg != nil {
		m.msg.Release()
		m.msg = nil
	}
}

// frameBatchReader decodes (and decompresses) stored frames into batches.
type frameBatchReader struct {
	r      *ipc.Reader
	src    frameSource
	closed bool
}

func newFrameBatchReader(schemaMsg []byte, src frameSource, mem memory.Allocator) (*frameBatchReader, error) {
	fm := &frameMessages{schemaMsg: schemaMsg, src: src}
	fm.refs.Store(1)
	r, err := ipc.NewReaderFromMessageReader(fm, ipc.WithAllocator(mem))
	if err != nil {
		src.close()
		return nil, err
	}
	return &frameBatchReader{r: r, src: src}, nil
}

func (r *frameBatchReader) Schema() *arrow.Schema { return r.r.Schema() }

func (r *frameBatchReader) Next() (arrow.RecordBatch, error) {
	if r.closed {
		return nil, nil
	}
	for {
		b, err := r.r.Read()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shuffle: decoding batch: %w", err)
		}
		if b.NumRows() == 0 {
			continue
		}
		b.Retain() // the ipc.Reader releases it on the next Read
		return b, nil
	}
}

func (r *frameBatchReader) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.r.Release()
	r.src.close()
}
