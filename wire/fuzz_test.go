package wire

import (
	"testing"

	"github.com/aloftdb/aloft/catalog"
)

// FuzzDecodePlan decodes arbitrary bytes, both as they are and as the
// payload behind a valid header (random bytes rarely pass the checksum).
// Decoding must fail or succeed, never panic: the last-resort recover is
// off. Tables are looked up by name in the TPC-H catalog (no file access).
func FuzzDecodePlan(f *testing.F) {
	for q := 1; q <= 22; q++ {
		data, err := EncodePlan(tpchPlan(f, q))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	cat := tpchEngine(f).Catalog()
	env := DecodeEnv{
		OpenTable: func(name, location, format string) (catalog.Table, error) { return cat.Lookup(name) },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if plan, err := decodeNoRecover(t, data, env); err == nil && plan == nil {
			t.Fatal("nil plan without an error")
		}
		payload := data
		if len(data) >= HeaderSize && string(data[:4]) == Magic {
			payload = data[HeaderSize:]
		}
		if plan, err := decodeNoRecover(t, reframe(payload), env); err == nil && plan == nil {
			t.Fatal("nil plan without an error")
		}
	})
}
