package shuffle

import (
	"encoding/binary"
	"fmt"
)

// ticketVersion is the first byte of every ticket. A reader refuses other
// versions, so the layout can change without misreading old tickets.
const ticketVersion = 1

// maxTicketLen bounds a ticket: version, four varints and the query id.
const maxTicketLen = 1 + 4*binary.MaxVarintLen64 + 1 + MaxQueryIDLen

// EncodeTicket encodes the Flight ticket of a partition:
//
//	version byte (1) · uvarint stage · uvarint map task · uvarint partition ·
//	uvarint attempt · uvarint len(query) · query bytes
//
// attempt is the map task attempt the reducer expects (informational for
// now: a store holds one committed attempt per map output). The id must be
// valid (see DecodeTicket); EncodeTicket does not check it, so that a test
// can build refused tickets.
func EncodeTicket(id PartitionID, attempt int) []byte {
	b := make([]byte, 0, 16+len(id.Query))
	b = append(b, ticketVersion)
	b = binary.AppendUvarint(b, uint64(id.Stage))
	b = binary.AppendUvarint(b, uint64(id.MapTask))
	b = binary.AppendUvarint(b, uint64(id.Partition))
	b = binary.AppendUvarint(b, uint64(attempt))
	b = binary.AppendUvarint(b, uint64(len(id.Query)))
	return append(b, id.Query...)
}

// DecodeTicket decodes and validates a ticket made by EncodeTicket. Any
// malformed input (unknown version, truncated or oversized varints, numbers
// out of range, trailing bytes, an invalid query id) is an error, never a
// panic. Varints must be minimal.
func DecodeTicket(b []byte) (id PartitionID, attempt int, err error) {
	if len(b) == 0 {
		return id, 0, fmt.Errorf("shuffle: empty ticket")
	}
	if len(b) > maxTicketLen {
		return id, 0, fmt.Errorf("shuffle: ticket of %d bytes exceeds %d", len(b), maxTicketLen)
	}
	if b[0] != ticketVersion {
		return id, 0, fmt.Errorf("shuffle: ticket version %d not supported (want %d)", b[0], ticketVersion)
	}
	rest := b[1:]
	var nums [5]int
	for i, name := range [...]string{"stage", "map task", "partition", "attempt", "query length"} {
		v, n := binary.Uvarint(rest)
		if n <= 0 || n != uvarintLen(v) {
			return PartitionID{}, 0, fmt.Errorf("shuffle: ticket: malformed %s", name)
		}
		if v > maxIndex {
			return PartitionID{}, 0, fmt.Errorf("shuffle: ticket: %s %d out of range", name, v)
		}
		nums[i] = int(v)
		rest = rest[n:]
	}
	if nums[4] != len(rest) {
		return PartitionID{}, 0, fmt.Errorf("shuffle: ticket: query length %d but %d bytes left", nums[4], len(rest))
	}
	id = PartitionID{Query: string(rest), Stage: nums[0], MapTask: nums[1], Partition: nums[2]}
	if err := id.validate(); err != nil {
		return PartitionID{}, 0, fmt.Errorf("shuffle: ticket: %w", err)
	}
	return id, nums[3], nil
}

// uvarintLen is the length of v's shortest uvarint encoding: longer ones
// are refused so that a partition has exactly one ticket.
func uvarintLen(v uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], v)
}
