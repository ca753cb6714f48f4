package mux

import (
	"encoding/binary"
	"fmt"
)

// The session speaks yamux protocol version 0. These are its wire
// constants; docs/protocol.md and yamux's spec.md describe them.
const (
	frameHeaderSize = 12 // version, type, flags (2), stream id (4), length (4)
	frameVersion    = 0  // the only yamux protocol version
)

// Frame types.
const (
	frameData         uint8 = 0 // stream bytes: the header is followed by length bytes
	frameWindowUpdate uint8 = 1 // grows the stream's send window by length
	framePing         uint8 = 2 // keepalive; length is an opaque value echoed back
	frameGoAway       uint8 = 3 // the sender is ending the session; length is a code
)

// Frame flags, carried by data and window-update frames (SYN and ACK also
// by pings).
const (
	flagSYN uint16 = 1 << iota // opens a stream (or asks for a ping answer)
	flagACK                    // acknowledges a stream open (or answers a ping)
	flagFIN                    // the sender will write no more on the stream
	flagRST                    // the stream is abandoned in both directions
)

// GoAway codes.
const (
	goAwayNormal   uint32 = 0
	goAwayProtocol uint32 = 1
	goAwayInternal uint32 = 2
)

// initialWindow is the receive window every stream starts with on both
// sides; a window update carrying SYN or ACK raises it to StreamWindow.
const initialWindow uint32 = 256 << 10

// frameHeader is an encoded frame header.
type frameHeader [frameHeaderSize]byte

func makeHeader(typ uint8, flags uint16, id, length uint32) frameHeader {
	var h frameHeader
	h[0] = frameVersion
	h[1] = typ
	binary.BigEndian.PutUint16(h[2:4], flags)
	binary.BigEndian.PutUint32(h[4:8], id)
	binary.BigEndian.PutUint32(h[8:12], length)
	return h
}

func (h *frameHeader) typ() uint8       { return h[1] }
func (h *frameHeader) flags() uint16    { return binary.BigEndian.Uint16(h[2:4]) }
func (h *frameHeader) streamID() uint32 { return binary.BigEndian.Uint32(h[4:8]) }
func (h *frameHeader) length() uint32   { return binary.BigEndian.Uint32(h[8:12]) }

// check reports a header this session cannot process.
func (h *frameHeader) check() error {
	if h[0] != frameVersion {
		return fmt.Errorf("%w: frame version %d, want %d", ErrProtocol, h[0], frameVersion)
	}
	if h.typ() > frameGoAway {
		return fmt.Errorf("%w: unknown frame type %d", ErrProtocol, h.typ())
	}
	if t := h.typ(); (t == frameData || t == frameWindowUpdate) && h.streamID() == 0 {
		return fmt.Errorf("%w: %s frame for stream 0", ErrProtocol, frameName(t))
	}
	return nil
}

func (h *frameHeader) String() string {
	return fmt.Sprintf("%s stream=%d flags=%#x length=%d", frameName(h.typ()), h.streamID(), h.flags(), h.length())
}

func frameName(t uint8) string {
	switch t {
	case frameData:
		return "data"
	case frameWindowUpdate:
		return "window-update"
	case framePing:
		return "ping"
	case frameGoAway:
		return "go-away"
	}
	return fmt.Sprintf("type-%d", t)
}
