package wire

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aloftdb/aloft/exec"
)

// reframe returns a message with payload and a valid header, so that
// decoding gets past the checksum and exercises the payload validation.
func reframe(payload []byte) []byte {
	buf := make([]byte, HeaderSize+len(payload))
	copy(buf[HeaderSize:], payload)
	out, err := frame(buf, contentPlan)
	if err != nil {
		panic(err)
	}
	return out
}

// decodeNoRecover decodes with the last-resort recover turned off, so that
// a panic fails the test instead of becoming an error.
func decodeNoRecover(t testing.TB, data []byte, env DecodeEnv) (exec.Exec, error) {
	t.Helper()
	recoverPanics = false
	defer func() { recoverPanics = true }()
	return DecodePlan(data, env)
}

func encodedQ(t testing.TB, q int) ([]byte, DecodeEnv) {
	t.Helper()
	plan := tpchPlan(t, q)
	data, err := EncodePlan(plan)
	if err != nil {
		t.Fatal(err)
	}
	return data, envFor(plan)
}

// TestTruncated cuts a real encoded plan at every byte: the header catches
// it (length mismatch); cutting the payload and fixing the header up
// reaches the payload decoder, which must refuse it too.
func TestTruncated(t *testing.T) {
	for _, q := range []int{2, 9, 13} {
		data, env := encodedQ(t, q)
		payload := data[HeaderSize:]
		for n := 0; n < len(data); n++ {
			if _, err := decodeNoRecover(t, data[:n], env); err == nil {
				t.Fatalf("Q%d cut at %d of %d bytes: no error", q, n, len(data))
			}
		}
		for n := 0; n < len(payload); n++ {
			if _, err := decodeNoRecover(t, reframe(payload[:n]), env); err == nil {
				t.Fatalf("Q%d payload cut at %d of %d bytes (valid header): no error", q, n, len(payload))
			}
		}
	}
}

// TestBitFlips flips random bits: the checksum (or the header checks)
// catch every one.
func TestBitFlips(t *testing.T) {
	data, env := encodedQ(t, 9)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		bad := append([]byte(nil), data...)
		for k := 0; k <= i%3; k++ {
			bit := rng.IntN(len(bad) * 8)
			bad[bit/8] ^= 1 << (bit % 8)
		}
		if _, err := decodeNoRecover(t, bad, env); err == nil {
			t.Fatalf("flip %d: no error", i)
		}
	}
}

// TestPayloadMutations damages the payload behind a valid header: decoding
// may fail or (rarely) succeed, but must never panic.
func TestPayloadMutations(t *testing.T) {
	for _, q := range []int{1, 9, 16, 22} {
		data, env := encodedQ(t, q)
		payload := data[HeaderSize:]
		rng := rand.New(rand.NewPCG(uint64(q), 7))
		ok := 0
		for i := 0; i < 3000; i++ {
			bad := append([]byte(nil), payload...)
			switch i % 3 {
			case 0: // one byte set to a random value
				bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
			case 1: // a bit flip
				bit := rng.IntN(len(bad) * 8)
				bad[bit/8] ^= 1 << (bit % 8)
			case 2: // a byte set to a large varint start
				bad[rng.IntN(len(bad))] = 0xff
			}
			if _, err := decodeNoRecover(t, reframe(bad), env); err == nil {
				ok++
			}
		}
		t.Logf("Q%d: %d of 3000 mutated payloads still decoded (changes in names, literals, flags)", q, ok)
	}
}

func TestHeader(t *testing.T) {
	data, env := encodedQ(t, 6)
	if _, err := DecodePlan(data, env); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte)) []byte {
		b := append([]byte(nil), data...)
		f(b)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than"},
		{"magic", mutate(func(b []byte) { copy(b, "PAR1") }), "bad magic"},
		{"future version", mutate(func(b []byte) { binary.LittleEndian.PutUint16(b[4:], Version+1) }), "newer than this build"},
		{"old version", mutate(func(b []byte) { binary.LittleEndian.PutUint16(b[4:], 0) }), "unsupported format version 0"},
		{"splits as plan", mutate(func(b []byte) { b[6] = contentSplits }), "holds splits"},
		{"flags", mutate(func(b []byte) { b[7] = 1 }), "unknown flags"},
		{"oversized length", mutate(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], MaxPayload+1) }), "exceeds the limit"},
		{"huge length", mutate(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], 0xffffffff) }), "exceeds the limit"},
		{"short length", mutate(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], 3) }), "payload bytes"},
		{"checksum", mutate(func(b []byte) { b[12] ^= 1 }), "checksum mismatch"},
		{"trailing byte", append(append([]byte(nil), data...), 0), "payload bytes"},
	}
	for _, c := range cases {
		_, err := DecodePlan(c.data, env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		if c.name != "future version" && c.name != "old version" && !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v does not wrap ErrCorrupt", c.name, err)
		}
	}
	// A payload above the limit is refused before anything is read.
	big := make([]byte, HeaderSize+MaxPayload+1)
	copy(big, data[:HeaderSize])
	if _, err := DecodePlan(big, env); err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
		t.Errorf("oversized input: %v", err)
	}
	if _, err := DecodeSplits(data); err == nil || !strings.Contains(err.Error(), "holds a plan") {
		t.Errorf("plan decoded as splits: %v", err)
	}
}

// payloadOf builds a payload by hand.
func payloadOf(f func(e *Encoder)) []byte {
	e := &Encoder{}
	f(e)
	return e.buf
}

func TestMalformedPayloads(t *testing.T) {
	values := func(e *Encoder) { // an empty ValuesExec of one BIGINT column
		e.Uvarint(KindValues)
		e.Count(0)
		body := payloadOf(func(b *Encoder) {
			b.Count(1)
			b.String("x")
			b.Byte(typeInt64)
			b.Bool(true)
			b.Bytes(nil)
		})
		e.Bytes(body)
	}
	cases := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"valid", payloadOf(values), ""},
		{"unknown kind", payloadOf(func(e *Encoder) { e.Uvarint(999); e.Count(0); e.Bytes(nil) }), "unknown operator kind 999"},
		{"huge kind", payloadOf(func(e *Encoder) { e.Uvarint(1 << 40); e.Count(0); e.Bytes(nil) }), "unknown operator kind"},
		{"deep nesting", payloadOf(func(e *Encoder) {
			for i := 0; i < maxDepth+5; i++ {
				e.Uvarint(KindCoalesce)
				e.Count(1)
			}
			values(e)
			for i := 0; i < maxDepth+5; i++ {
				e.Bytes(nil)
			}
		}), "nesting deeper than 1000"},
		{"acceptable nesting", payloadOf(func(e *Encoder) {
			for i := 0; i < maxDepth-1; i++ {
				e.Uvarint(KindCoalesce)
				e.Count(1)
			}
			values(e)
			for i := 0; i < maxDepth-1; i++ {
				e.Bytes(nil)
			}
		}), ""},
		{"wrong child count", payloadOf(func(e *Encoder) {
			e.Uvarint(KindCoalesce)
			e.Count(2)
			values(e)
			values(e)
			e.Bytes(nil)
		}), "has 2 children, want 1"},
		{"child count beyond data", payloadOf(func(e *Encoder) { e.Uvarint(KindUnion); e.Count(1 << 50) }), "exceeds the remaining"},
		{"body beyond data", payloadOf(func(e *Encoder) { e.Uvarint(KindValues); e.Count(0); e.Uvarint(1 << 30) }), "exceeds the remaining"},
		{"unread body bytes", payloadOf(func(e *Encoder) {
			e.Uvarint(KindCoalesce)
			e.Count(1)
			values(e)
			e.Bytes([]byte{1, 2})
		}), "2 unread bytes"},
		{"schema count beyond data", payloadOf(func(e *Encoder) {
			e.Uvarint(KindValues)
			e.Count(0)
			e.Bytes(payloadOf(func(b *Encoder) { b.Count(1 << 40) }))
		}), "exceeds the remaining"},
		{"string beyond data", payloadOf(func(e *Encoder) {
			e.Uvarint(KindValues)
			e.Count(0)
			e.Bytes(payloadOf(func(b *Encoder) { b.Count(1); b.Uvarint(1 << 62) }))
		}), "exceeds the remaining"},
		{"bad decimal", payloadOf(func(e *Encoder) {
			e.Uvarint(KindValues)
			e.Count(0)
			e.Bytes(payloadOf(func(b *Encoder) {
				b.Count(1)
				b.String("x")
				b.Byte(typeDecimal)
				b.Uvarint(40)
				b.Uvarint(2)
				b.Bool(true)
				b.Bytes(nil)
			}))
		}), "precision must be 1..38"},
		{"bad IPC", payloadOf(func(e *Encoder) {
			e.Uvarint(KindValues)
			e.Count(0)
			e.Bytes(payloadOf(func(b *Encoder) {
				b.Count(0)
				b.Bytes([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3})
			}))
		}), "values batches"},
		{"trailing", append(payloadOf(values), 0), "1 bytes after the plan"},
	}
	for _, c := range cases {
		_, err := decodeNoRecover(t, reframe(c.payload), DecodeEnv{})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestChecksumIsCastagnoli(t *testing.T) {
	data, _ := encodedQ(t, 6)
	if got, want := binary.LittleEndian.Uint32(data[12:]), crc32.Checksum(data[HeaderSize:], crc32.MakeTable(crc32.Castagnoli)); got != want {
		t.Fatalf("checksum %#x, want %#x", got, want)
	}
}
