package mux

import (
	"encoding/binary"
	"fmt"
)

// Stream header and status byte; doc.go describes the wire format.
const (
	headerVersion = 1 // the first byte of every stream header
	headerSize    = 5 // version (1 byte) + acceptor's id (4 bytes, big-endian)
)

// Status bytes the acceptor sends in front of its first bytes.
const (
	statusAccepted      byte = 0 // the stream was accepted; payload follows
	statusAcceptTimeout byte = 1 // nobody accepted the id in time
	statusDuplicate     byte = 2 // a stream for the id was already waiting
	statusClosing       byte = 3 // the acceptor's broker is closing
	statusBadHeader     byte = 4 // the stream header could not be decoded
)

// encodeHeader returns the stream header announcing id.
func encodeHeader(id uint32) [headerSize]byte {
	var h [headerSize]byte
	h[0] = headerVersion
	binary.BigEndian.PutUint32(h[1:], id)
	return h
}

// decodeHeader parses a stream header. It needs exactly headerSize bytes
// and fails with an error wrapping ErrBadHeader otherwise.
func decodeHeader(b []byte) (uint32, error) {
	if len(b) != headerSize {
		return 0, fmt.Errorf("%w: %d bytes, want %d", ErrBadHeader, len(b), headerSize)
	}
	if b[0] != headerVersion {
		return 0, fmt.Errorf("%w: version %d, want %d", ErrBadHeader, b[0], headerVersion)
	}
	return binary.BigEndian.Uint32(b[1:]), nil
}

// rejectReason maps a non-zero status byte to the error it stands for,
// or nil for a code this package does not know.
func rejectReason(status byte) error {
	reasons := [...]error{statusAcceptTimeout: ErrAcceptTimeout, statusDuplicate: ErrDuplicateID,
		statusClosing: ErrClosed, statusBadHeader: ErrBadHeader}
	if int(status) < len(reasons) {
		return reasons[status]
	}
	return nil
}

// rejectError is the error a dialer's Read returns for a rejected stream.
func rejectError(id uint32, status byte) error {
	if reason := rejectReason(status); reason != nil {
		return fmt.Errorf("mux: dial stream %d: %w: %w", id, ErrRejected, reason)
	}
	return fmt.Errorf("mux: dial stream %d: %w (reason code %d)", id, ErrRejected, status)
}
