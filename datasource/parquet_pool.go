package datasource

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// A reader lives for one row group (about 130k rows in TPC-H files), so
// whatever it allocates for itself is garbage a few milliseconds later: the
// page reader's decompression buffers, the value tables and the per-row
// index scratch together were as much memory per scan as the output arrays,
// and their zeroing and collection a large part of the CPU time. They are
// recycled across readers here. Nothing in this file ever backs an array
// handed to the caller: outputs are always freshly allocated.

// pageBufferPool is an arrow memory.Allocator that recycles freed buffers,
// by power-of-two size class. It is used only by the fast path's page
// readers, which free their three buffers (compressed page, decompressed data
// page, decompressed dictionary page) when closed and never hand them out.
// The buffers it returns are not zeroed: the page reader overwrites them.
type pageBufferPool struct {
	classes [48]sync.Pool // class c holds *[]byte of capacity 1<<c
}

// minPooledBuffer is the smallest size worth pooling.
const minPooledBuffer = 4 << 10

var pageBuffers = &pageBufferPool{}

// fastReaderProps are readerProps with the recycling allocator, for the
// page readers of the fast path.
var fastReaderProps = parquet.NewReaderProperties(pageBuffers)

func (p *pageBufferPool) Allocate(size int) []byte {
	if size < minPooledBuffer {
		return make([]byte, size)
	}
	c := bits.Len(uint(size - 1))
	if b, ok := p.classes[c].Get().(*[]byte); ok {
		return (*b)[:size]
	}
	return make([]byte, size, 1<<c)
}

func (p *pageBufferPool) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *pageBufferPool) Free(b []byte) {
	c := cap(b)
	if c < minPooledBuffer || c&(c-1) != 0 {
		return // not one of ours: left to the GC
	}
	b = b[:0]
	p.classes[bits.Len(uint(c-1))].Put(&b)
}

// pageDecoderPools recycle fast-path decoders (their value tables, index
// and level scratch) by decode kind.
var pageDecoderPools [kindInt96 + 1]sync.Pool

// pageDecoder is a fast-path decoder that can be recycled.
type pageDecoder interface {
	columnDecoder
	// reuse readies the decoder for column c's chunk read by pr.
	reuse(c parquetColumn, pr file.PageReader)
	// release closes the page reader and returns the decoder to its pool;
	// the decoder must not be used afterwards.
	release()
}
