package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
)

// Encoder appends the payload of an encoded plan. Its methods never fail
// one by one: the first error (an unsupported value) is kept and reported
// by Err, and EncodePlan returns it. Registered Exec encoders (RegisterExec)
// write their operator's fields with it.
type Encoder struct {
	buf []byte
	err error
	// colLists interns input column lists of compiled expressions: the
	// expressions of one operator (and often of several) share one list.
	colLists map[string]int
}

// Err returns the first error recorded.
func (e *Encoder) Err() error { return e.err }

// Fail records an error (the first one wins).
func (e *Encoder) Fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("wire: encode: "+format, args...)
	}
}

// Byte appends one byte.
func (e *Encoder) Byte(b byte) { e.buf = append(e.buf, b) }

// Bool appends a boolean as one byte (0 or 1).
func (e *Encoder) Bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// Uvarint appends an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

// Varint appends a signed (zig-zag) varint.
func (e *Encoder) Varint(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

// Count appends a non-negative length or count.
func (e *Encoder) Count(n int) { e.Uvarint(uint64(n)) }

// Uint64 appends 8 bytes, little endian.
func (e *Encoder) Uint64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// Float64 appends the IEEE bits of f.
func (e *Encoder) Float64(f float64) { e.Uint64(math.Float64bits(f)) }

// String appends a length-prefixed string.
func (e *Encoder) String(s string) {
	e.Count(len(s))
	e.buf = append(e.buf, s...)
}

// Bytes appends a length-prefixed byte string.
func (e *Encoder) Bytes(b []byte) {
	e.Count(len(b))
	e.buf = append(e.buf, b...)
}

// Decoder reads a payload. Like Encoder it keeps the first error: after
// one, every read returns a zero value (counts return 0, so loops end), and
// Err reports it. Every length is checked against the bytes that remain
// before anything is allocated for it.
type Decoder struct {
	what string // "plan" or "splits", for messages
	data []byte
	pos  int
	end  int // reads stop here (the end of the current operator body)
	err  error

	depth    int
	colLists [][]logical.Column

	env    *DecodeEnv
	scans  int
	tables map[string]catalog.Table
}

// maxDepth bounds the nesting of operators and expressions.
const maxDepth = 1000

func newDecoder(data []byte, env *DecodeEnv) *Decoder {
	return &Decoder{what: "plan", data: data, end: len(data), env: env}
}

// Err returns the first error met.
func (d *Decoder) Err() error { return d.err }

// Fail records an error (the first one wins).
func (d *Decoder) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("wire: malformed %s at byte %d: "+format, append([]any{d.what, d.pos}, args...)...)
	}
}

// fail records err as is (for errors that already explain themselves).
func (d *Decoder) failErr(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// Env is the environment the plan is decoded in.
func (d *Decoder) Env() *DecodeEnv { return d.env }

// Remaining is the number of unread bytes of the current operator body.
func (d *Decoder) Remaining() int {
	if d.err != nil {
		return 0
	}
	return d.end - d.pos
}

// enter counts one level of nesting; false (with an error) past maxDepth.
func (d *Decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		d.Fail("nesting deeper than %d", maxDepth)
		return false
	}
	return d.err == nil
}

func (d *Decoder) leave() { d.depth-- }

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if d.Remaining() < 1 {
		d.Fail("unexpected end of data")
		return 0
	}
	b := d.data[d.pos]
	d.pos++
	return b
}

// Bool reads a boolean; bytes other than 0 and 1 are an error.
func (d *Decoder) Bool() bool {
	switch b := d.Byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.Fail("invalid boolean %d", b)
		return false
	}
}

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.pos:d.end])
	if n <= 0 {
		d.Fail("invalid varint")
		return 0
	}
	d.pos += n
	return v
}

// Varint reads a signed varint.
func (d *Decoder) Varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.pos:d.end])
	if n <= 0 {
		d.Fail("invalid varint")
		return 0
	}
	d.pos += n
	return v
}

// Int reads a signed varint that must fit in [lo, hi].
func (d *Decoder) Int(what string, lo, hi int64) int64 {
	v := d.Varint()
	if d.err == nil && (v < lo || v > hi) {
		d.Fail("%s %d out of range [%d, %d]", what, v, lo, hi)
		return 0
	}
	return v
}

// Uint reads an unsigned varint that must be at most hi.
func (d *Decoder) Uint(what string, hi uint64) uint64 {
	v := d.Uvarint()
	if d.err == nil && v > hi {
		d.Fail("%s %d out of range [0, %d]", what, v, hi)
		return 0
	}
	return v
}

// Count reads the number of items that follow, each at least minSize
// bytes: a count the remaining bytes cannot hold is an error, so callers
// may allocate for it.
func (d *Decoder) Count(what string, minSize int) int {
	v := d.Uvarint()
	if d.err != nil {
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if v > uint64(d.Remaining()/minSize) {
		d.Fail("%s count %d exceeds the remaining %d bytes", what, v, d.Remaining())
		return 0
	}
	return int(v)
}

// Uint64 reads 8 bytes, little endian.
func (d *Decoder) Uint64() uint64 {
	if d.Remaining() < 8 {
		d.Fail("unexpected end of data")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.data[d.pos:])
	d.pos += 8
	return v
}

// Float64 reads IEEE bits.
func (d *Decoder) Float64() float64 { return math.Float64frombits(d.Uint64()) }

// raw reads a length-prefixed byte string without copying.
func (d *Decoder) raw() []byte {
	n := d.Uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(d.Remaining()) {
		d.Fail("length %d exceeds the remaining %d bytes", n, d.Remaining())
		return nil
	}
	b := d.data[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b
}

// String reads a length-prefixed string.
func (d *Decoder) String() string { return string(d.raw()) }

// Bytes reads a length-prefixed byte string (a copy).
func (d *Decoder) Bytes() []byte { return append([]byte(nil), d.raw()...) }

// keyOf builds a cache key from parts.
func keyOf(parts ...string) string { return strings.Join(parts, "\x00") }
