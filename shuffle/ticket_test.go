package shuffle

import (
	"bytes"
	"testing"
)

func TestTicketRoundTrip(t *testing.T) {
	for _, id := range []PartitionID{
		{Query: "q", Stage: 0, MapTask: 0, Partition: 0},
		{Query: "20260101-abc_DEF.7", Stage: 12, MapTask: 300, Partition: 199},
		{Query: string(bytes.Repeat([]byte("x"), MaxQueryIDLen)), Stage: maxIndex, MapTask: maxIndex, Partition: maxIndex},
	} {
		got, attempt, err := DecodeTicket(EncodeTicket(id, 3))
		if err != nil || got != id || attempt != 3 {
			t.Fatalf("%+v: got %+v %d %v", id, got, attempt, err)
		}
	}
}

func TestTicketRejectsGarbage(t *testing.T) {
	good := EncodeTicket(PartitionID{Query: "q1", Stage: 1, MapTask: 2, Partition: 3}, 0)
	bad := map[string][]byte{
		"empty":         nil,
		"version":       append([]byte{2}, good[1:]...),
		"truncated":     good[:len(good)-1],
		"trailing":      append(append([]byte(nil), good...), 'x'),
		"only version":  {1},
		"huge varint":   {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
		"out of range":  EncodeTicket(PartitionID{Query: "q", Stage: maxIndex + 1}, 0),
		"empty query":   EncodeTicket(PartitionID{Query: ""}, 0),
		"slash query":   EncodeTicket(PartitionID{Query: "a/b"}, 0),
		"dotdot":        EncodeTicket(PartitionID{Query: ".."}, 0)[:0],
		"long query":    EncodeTicket(PartitionID{Query: string(bytes.Repeat([]byte("x"), MaxQueryIDLen+1))}, 0),
		"length lies":   {1, 1, 2, 3, 0, 200, 'q'},
		"oversized":     bytes.Repeat([]byte{1}, 10_000),
		"negative-ish":  {1, 0x80},
		"non-minimal":   {1, 0x81, 0x00, 2, 3, 0, 1, 'q'},
		"nul in query":  {1, 1, 1, 1, 0, 2, 'q', 0},
		"unicode query": EncodeTicket(PartitionID{Query: "é"}, 0),
	}
	for name, b := range bad {
		if id, _, err := DecodeTicket(b); err == nil {
			t.Errorf("%s: accepted as %+v", name, id)
		}
	}
}

func FuzzDecodeTicket(f *testing.F) {
	f.Add(EncodeTicket(PartitionID{Query: "q1", Stage: 1, MapTask: 2, Partition: 3}, 1))
	f.Add([]byte{1, 0x80, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, attempt, err := DecodeTicket(b)
		if err != nil {
			return
		}
		if again := EncodeTicket(id, attempt); !bytes.Equal(again, b) {
			t.Fatalf("%x decodes to %+v which encodes to %x", b, id, again)
		}
	})
}
