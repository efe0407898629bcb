package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Every encoded message (a plan or a list of splits) is a 16-byte header
// followed by the payload:
//
//	offset size
//	0      4    magic "ALFT"
//	4      2    format version, little endian (Version)
//	6      1    content: 'P' plan, 'S' splits
//	7      1    flags, 0 (reserved)
//	8      4    payload length, little endian (at most MaxPayload)
//	12     4    CRC-32 (Castagnoli) of the payload, little endian
//
// Decoding refuses other magic, versions it does not know, a content other
// than the one expected, non-zero flags, a length other than what follows,
// and a checksum mismatch, before it looks at the payload.
const (
	Magic      = "ALFT"
	Version    = 1
	HeaderSize = 16
	// MaxPayload bounds what a decoder accepts (and an encoder produces).
	MaxPayload = 256 << 20

	contentPlan   = 'P'
	contentSplits = 'S'
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every error about a damaged or foreign message
// (header, length or checksum), as opposed to a well-formed message that
// cannot be decoded here.
var ErrCorrupt = errors.New("corrupt message")

// frame prepends the header to payload (which starts at buf[HeaderSize:]).
func frame(buf []byte, content byte) ([]byte, error) {
	payload := buf[HeaderSize:]
	if len(payload) > MaxPayload {
		return nil, fmt.Errorf("wire: encoded payload of %d bytes exceeds the limit of %d", len(payload), MaxPayload)
	}
	copy(buf, Magic)
	binary.LittleEndian.PutUint16(buf[4:], Version)
	buf[6] = content
	buf[7] = 0
	binary.LittleEndian.PutUint32(buf[8:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[12:], crc32.Checksum(payload, crcTable))
	return buf, nil
}

// unframe checks the header and returns the payload.
func unframe(data []byte, content byte) ([]byte, error) {
	if len(data) < HeaderSize {
		return nil, fmt.Errorf("wire: %w: %d bytes, shorter than the %d-byte header", ErrCorrupt, len(data), HeaderSize)
	}
	if len(data) > HeaderSize+MaxPayload {
		return nil, fmt.Errorf("wire: %w: %d bytes exceeds the limit of %d", ErrCorrupt, len(data), HeaderSize+MaxPayload)
	}
	if string(data[:4]) != Magic {
		return nil, fmt.Errorf("wire: %w: bad magic %q (want %q)", ErrCorrupt, data[:4], Magic)
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != Version {
		if v > Version {
			return nil, fmt.Errorf("wire: format version %d is newer than this build supports (%d): upgrade this node", v, Version)
		}
		return nil, fmt.Errorf("wire: unsupported format version %d (this build reads version %d)", v, Version)
	}
	if data[6] != content {
		return nil, fmt.Errorf("wire: %w: message holds %s, want %s", ErrCorrupt, contentName(data[6]), contentName(content))
	}
	if data[7] != 0 {
		return nil, fmt.Errorf("wire: %w: unknown flags %#x", ErrCorrupt, data[7])
	}
	n := binary.LittleEndian.Uint32(data[8:])
	if n > MaxPayload {
		return nil, fmt.Errorf("wire: %w: payload length %d exceeds the limit of %d", ErrCorrupt, n, MaxPayload)
	}
	if uint64(n) != uint64(len(data)-HeaderSize) {
		return nil, fmt.Errorf("wire: %w: header says %d payload bytes, %d follow", ErrCorrupt, n, len(data)-HeaderSize)
	}
	payload := data[HeaderSize:]
	if sum := crc32.Checksum(payload, crcTable); sum != binary.LittleEndian.Uint32(data[12:]) {
		return nil, fmt.Errorf("wire: %w: checksum mismatch", ErrCorrupt)
	}
	return payload, nil
}

func contentName(c byte) string {
	switch c {
	case contentPlan:
		return "a plan"
	case contentSplits:
		return "splits"
	}
	return fmt.Sprintf("unknown content %#x", c)
}
