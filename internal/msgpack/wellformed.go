package msgpack

import (
	"encoding/binary"
	"fmt"
)

// MaxDepth is how deeply arrays and maps may nest in a decoded value. A
// deeper value is rejected before it is decoded, so that hostile bytes
// cannot exhaust the decoder's stack.
const MaxDepth = 512

// checkValues checks, without decoding them, that b holds exactly n
// well-formed msgpack values and nothing after them: every length the
// bytes announce (of a string, a binary, an extension, or the elements of
// an array or map) fits in the bytes that remain, no container nests more
// than MaxDepth deep, and no byte is the reserved 0xc1.
//
// It walks the bytes in a loop, never recursing, and allocates nothing.
// Because every announced length has been checked against the bytes that
// are really there, the decoder run afterwards never sizes anything from
// a claim the frame cannot back.
func CheckValues(b []byte, n int) error {
	var stack [MaxDepth]uint64 // values still to read in each open container
	depth := 0
	left := uint64(n) // values still to read at the current level
	pos := 0
	for {
		for left == 0 {
			if depth == 0 {
				if pos != len(b) {
					return fmt.Errorf("codec: %d trailing bytes after the last value: %w", len(b)-pos, ErrMalformed)
				}
				return nil
			}
			depth--
			left = stack[depth]
		}
		left--
		at := pos
		skip, items, next, err := valueHead(b, pos)
		if err != nil {
			return err
		}
		rest := uint64(len(b) - next)
		if skip > rest {
			return fmt.Errorf("codec: value at offset %d announces %d bytes, %d remain: %w", at, skip, rest, ErrMalformed)
		}
		pos = next + int(skip)
		if items == 0 {
			continue
		}
		if items > rest {
			return fmt.Errorf("codec: container at offset %d announces %d elements, %d bytes remain: %w", at, items, rest, ErrMalformed)
		}
		if depth == MaxDepth {
			return fmt.Errorf("codec: containers nested more than %d deep at offset %d: %w", MaxDepth, at, ErrMalformed)
		}
		stack[depth] = left
		depth++
		left = items
	}
}

// valueHead reads the type byte at b[pos] and the length that follows it.
// It returns how many payload bytes follow the head (skip), how many
// values a container holds (items; a map holds two per entry), and the
// offset just after the head.
func valueHead(b []byte, pos int) (skip, items uint64, next int, err error) {
	if pos >= len(b) {
		return 0, 0, 0, fmt.Errorf("codec: value missing at offset %d: %w", pos, ErrMalformed)
	}
	c := b[pos]
	next = pos + 1
	switch {
	case c <= 0x7f || c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3: // fixint, nil, false, true
		return 0, 0, next, nil
	case c <= 0x8f: // fixmap
		return 0, 2 * uint64(c&0x0f), next, nil
	case c <= 0x9f: // fixarray
		return 0, uint64(c & 0x0f), next, nil
	case c <= 0xbf: // fixstr
		return uint64(c & 0x1f), 0, next, nil
	case c >= 0xd4 && c <= 0xd8: // fixext 1, 2, 4, 8, 16, after a type byte
		return 1 + 1<<(c-0xd4), 0, next, nil
	case c >= 0xca && c <= 0xd3: // float32/64, uint8..64, int8..64
		return fixedSizes[c-0xca], 0, next, nil
	}
	lenSize, kind := lengthKinds(c)
	if kind == kindReserved {
		return 0, 0, 0, fmt.Errorf("codec: reserved byte 0x%x at offset %d: %w", c, pos, ErrMalformed)
	}
	if len(b)-next < lenSize {
		return 0, 0, 0, fmt.Errorf("codec: length of value at offset %d truncated: %w", pos, ErrMalformed)
	}
	n := readLength(b[next:], lenSize)
	next += lenSize
	switch kind {
	case kindBytes:
		return n, 0, next, nil
	case kindExt:
		return n + 1, 0, next, nil // the payload follows a type byte
	case kindArray:
		return 0, n, next, nil
	default: // kindMap
		return 0, 2 * n, next, nil
	}
}

// fixedSizes are the payload sizes of the types 0xca..0xd3.
var fixedSizes = [10]uint64{4, 8, 1, 2, 4, 8, 1, 2, 4, 8}

const (
	kindReserved = iota
	kindBytes    // str, bin
	kindExt
	kindArray
	kindMap
)

// lengthKinds maps a type byte with an explicit length field to the size
// of that field and what the length counts.
func lengthKinds(c byte) (lenSize, kind int) {
	switch c {
	case 0xc4, 0xd9: // bin8, str8
		return 1, kindBytes
	case 0xc5, 0xda: // bin16, str16
		return 2, kindBytes
	case 0xc6, 0xdb: // bin32, str32
		return 4, kindBytes
	case 0xc7:
		return 1, kindExt
	case 0xc8:
		return 2, kindExt
	case 0xc9:
		return 4, kindExt
	case 0xdc:
		return 2, kindArray
	case 0xdd:
		return 4, kindArray
	case 0xde:
		return 2, kindMap
	case 0xdf:
		return 4, kindMap
	}
	return 0, kindReserved
}

// readLength reads a big-endian length of size 1, 2 or 4 bytes.
func readLength(b []byte, size int) uint64 {
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(b))
	}
	return uint64(binary.BigEndian.Uint32(b))
}
