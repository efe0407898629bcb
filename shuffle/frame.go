package shuffle

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// The store keeps every Arrow IPC message (a record batch or dictionary
// batch, already LZ4-compressed by the IPC writer) as a frame:
//
//	u32 metadata length · u32 reserved (0) · u64 body length ·
//	metadata (the IPC Message flatbuffer) · zero padding to 8 bytes · body
//
// The metadata and body are exactly a Flight FlightData's data_header and
// data_body, so DoGet sends stored frames without decoding them.
const (
	frameHeaderLen = 16
	// maxFrameMeta and maxFrameBody bound what a reader accepts, so that a
	// corrupt file is an error rather than a huge allocation.
	maxFrameMeta = 64 << 20
	maxFrameBody = 1 << 34
	// chunkTarget is the size of the byte slices in-memory frames are
	// appended to: big enough to amortise allocation, small enough that
	// slack capacity stays minor.
	chunkTarget = 256 << 10
)

func pad8(n int) int { return (n + 7) &^ 7 }

// partBuf holds a partition's frames in memory, in chunks; a frame never
// spans two chunks.
type partBuf struct {
	chunks [][]byte
	size   int64 // bytes in chunks
}

// appendWriter appends to a byte slice (the body serialisation target).
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// appendPayload appends payload as one frame and returns the bytes added.
func (pb *partBuf) appendPayload(meta []byte, payload *ipc.Payload) (int64, error) {
	switch n := len(pb.chunks); {
	case n == 0:
		// Small partitions are common (many partitions, little data): the
		// first chunk grows from the first frame's size.
		pb.chunks = append(pb.chunks, nil)
	case len(pb.chunks[n-1]) >= chunkTarget:
		pb.chunks = append(pb.chunks, make([]byte, 0, chunkTarget))
	}
	last := len(pb.chunks) - 1
	c := pb.chunks[last]
	start := len(c)
	var hdr [frameHeaderLen]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(len(meta)))
	c = append(c, hdr[:]...)
	c = append(c, meta...)
	c = append(c, make([]byte, pad8(len(meta))-len(meta))...)
	bodyStart := len(c)
	w := appendWriter{b: c}
	if err := payload.SerializeBody(&w); err != nil {
		return 0, err
	}
	c = w.b
	binary.LittleEndian.PutUint64(c[start+8:], uint64(len(c)-bodyStart))
	pb.chunks[last] = c
	added := int64(len(c) - start)
	pb.size += added
	return added, nil
}

// trim copies the last chunk when most of its capacity is unused, so that
// committed partitions hold about the memory they account for.
func (pb *partBuf) trim() {
	if n := len(pb.chunks); n > 0 {
		if c := pb.chunks[n-1]; cap(c)-len(c) > 16<<10 && cap(c)-len(c) > len(c)/4 {
			pb.chunks[n-1] = append([]byte(nil), c...)
		}
	}
}

// reset forgets the frames.
func (pb *partBuf) reset() { pb.chunks, pb.size = nil, 0 }

// frameSource yields a partition's frames; next returns io.EOF at the end.
type frameSource interface {
	next() (meta, body []byte, err error)
	close()
}

// parseFrameHeader reads a frame header and checks the lengths against what
// is left (avail < 0: unknown).
func parseFrameHeader(h []byte, avail int64) (metaLen, bodyLen int, err error) {
	m := binary.LittleEndian.Uint32(h[0:])
	b := binary.LittleEndian.Uint64(h[8:])
	if m == 0 || m > maxFrameMeta || b > maxFrameBody || binary.LittleEndian.Uint32(h[4:]) != 0 {
		return 0, 0, fmt.Errorf("shuffle: corrupt frame header (metadata %d bytes, body %d bytes)", m, b)
	}
	if avail >= 0 && int64(pad8(int(m)))+int64(b) > avail {
		return 0, 0, fmt.Errorf("shuffle: truncated frame (needs %d bytes, %d left)", int64(pad8(int(m)))+int64(b), avail)
	}
	return int(m), int(b), nil
}

// memFrames reads frames from in-memory chunks (no copy).
type memFrames struct {
	chunks [][]byte
	ci     int
	off    int
	count  func(int64) // called with the bytes of each frame read
}

func (s *memFrames) next() ([]byte, []byte, error) {
	for s.ci < len(s.chunks) && s.off >= len(s.chunks[s.ci]) {
		s.ci++
		s.off = 0
	}
	if s.ci >= len(s.chunks) {
		return nil, nil, io.EOF
	}
	c := s.chunks[s.ci][s.off:]
	if len(c) < frameHeaderLen {
		return nil, nil, fmt.Errorf("shuffle: truncated frame header")
	}
	m, b, err := parseFrameHeader(c, int64(len(c)-frameHeaderLen))
	if err != nil {
		return nil, nil, err
	}
	ms := frameHeaderLen
	bs := ms + pad8(m)
	s.off += bs + b
	s.count(int64(bs + b))
	return c[ms : ms+m : ms+m], c[bs : bs+b : bs+b], nil
}

func (s *memFrames) close() {}

// extent is a contiguous run of one partition's frames in a map output file.
type extent struct{ off, len int64 }

// fileFrames reads frames from a map output file.
type fileFrames struct {
	f       *os.File
	extents []extent
	ei      int
	left    int64 // bytes left in the current extent
	br      *bufio.Reader
	count   func(int64)
}

func openFileFrames(path string, extents []extent, count func(int64)) (*fileFrames, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &fileFrames{f: f, extents: extents, ei: -1, count: count}, nil
}

func (s *fileFrames) next() ([]byte, []byte, error) {
	for s.left == 0 {
		s.ei++
		if s.ei >= len(s.extents) {
			return nil, nil, io.EOF
		}
		e := s.extents[s.ei]
		sr := io.NewSectionReader(s.f, e.off, e.len)
		if s.br == nil {
			s.br = bufio.NewReaderSize(sr, 256<<10)
		} else {
			s.br.Reset(sr)
		}
		s.left = e.len
	}
	var h [frameHeaderLen]byte
	if s.left < frameHeaderLen {
		return nil, nil, fmt.Errorf("shuffle: truncated frame header in %s", s.f.Name())
	}
	if _, err := io.ReadFull(s.br, h[:]); err != nil {
		return nil, nil, fmt.Errorf("shuffle: reading %s: %w", s.f.Name(), noEOF(err))
	}
	m, b, err := parseFrameHeader(h[:], s.left-frameHeaderLen)
	if err != nil {
		return nil, nil, fmt.Errorf("%w in %s", err, s.f.Name())
	}
	buf := make([]byte, pad8(m)+b)
	if _, err := io.ReadFull(s.br, buf); err != nil {
		return nil, nil, fmt.Errorf("shuffle: reading %s: %w", s.f.Name(), noEOF(err))
	}
	n := int64(frameHeaderLen + len(buf))
	s.left -= n
	s.count(n)
	return buf[:m:m], buf[pad8(m):], nil
}

func (s *fileFrames) close() { s.f.Close() }

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
