package wire

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/aloftdb/aloft/exec"
)

// An operator is encoded as
//
//	kind uvarint, child count uvarint, the children, body length uvarint, body
//
// where the body is what the kind's encoder writes. Kinds below
// FirstExtensionKind are the operators of package exec (execs.go); other
// packages (the shuffle reader and writer) register theirs with
// RegisterExec from an init function.
const FirstExtensionKind = 64

// ExecEncoder writes the fields of an operator (not its children, which
// are written before the body by EncodePlan).
type ExecEncoder[T exec.Exec] func(e *Encoder, x T) error

// ExecDecoder rebuilds an operator from its fields and its decoded
// children. It must check the number of children and validate what it
// reads (the Decoder's readers check lengths, types and column references;
// Decoder.Fail records other problems).
type ExecDecoder func(d *Decoder, children []exec.Exec) (exec.Exec, error)

type execCodec struct {
	kind   uint16
	name   string
	encode func(e *Encoder, x exec.Exec) error
	decode ExecDecoder
}

var registry = struct {
	sync.RWMutex
	byType map[reflect.Type]*execCodec
	byKind map[uint16]*execCodec
}{byType: map[reflect.Type]*execCodec{}, byKind: map[uint16]*execCodec{}}

// RegisterExec makes operators of type T (usually a pointer type) encodable
// under kind, which must be at least FirstExtensionKind and unique. It
// panics on a conflict, which is a programming error found at start-up.
func RegisterExec[T exec.Exec](kind uint16, encode ExecEncoder[T], decode ExecDecoder) {
	if kind < FirstExtensionKind {
		panic(fmt.Sprintf("wire.RegisterExec: kind %d is reserved for package exec (use %d or more)", kind, FirstExtensionKind))
	}
	register(kind, encode, decode)
}

func register[T exec.Exec](kind uint16, encode ExecEncoder[T], decode ExecDecoder) {
	typ := reflect.TypeFor[T]()
	if encode == nil || decode == nil {
		panic(fmt.Sprintf("wire: RegisterExec %s: nil encoder or decoder", typ))
	}
	c := &execCodec{
		kind: kind,
		name: typ.String(),
		encode: func(e *Encoder, x exec.Exec) error {
			return encode(e, x.(T))
		},
		decode: decode,
	}
	registry.Lock()
	defer registry.Unlock()
	if old, ok := registry.byKind[kind]; ok {
		panic(fmt.Sprintf("wire: RegisterExec %s: kind %d is already used by %s", typ, kind, old.name))
	}
	if old, ok := registry.byType[typ]; ok {
		panic(fmt.Sprintf("wire: RegisterExec %s: already registered as kind %d", typ, old.kind))
	}
	registry.byKind[kind] = c
	registry.byType[typ] = c
}

func codecForExec(x exec.Exec) *execCodec {
	registry.RLock()
	defer registry.RUnlock()
	return registry.byType[reflect.TypeOf(x)]
}

func codecForKind(kind uint64) *execCodec {
	if kind > 0xFFFF {
		return nil
	}
	registry.RLock()
	defer registry.RUnlock()
	return registry.byKind[uint16(kind)]
}

// WantChildren checks the number of children an operator got.
func WantChildren(children []exec.Exec, n int, what string) error {
	if len(children) != n {
		return fmt.Errorf("wire: malformed plan: %s has %d children, want %d", what, len(children), n)
	}
	return nil
}
