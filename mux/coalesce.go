package mux

import (
	"encoding/binary"
	"net"
)

// frameHeaderSize is the size of a yamux frame header: version (1 byte),
// type (1), flags (2), stream id (4) and length (4), big-endian.
const frameHeaderSize = 12

// yamux wire constants this file relies on (yamux const.go).
const (
	frameVersion  = 0 // the only yamux protocol version
	frameTypeData = 0 // a data frame: its header is followed by length bytes
)

// smallFrame is the largest frame body that is copied next to its header
// and written with one Write; larger bodies are written with writev
// (net.Buffers) so that they are not copied again.
const smallFrame = 16 << 10

// coalescingConn sits between a yamux session and its net.Conn. yamux's send
// loop writes every frame as a 12-byte header Write followed, for a data
// frame, by a body Write: two syscalls per frame. coalescingConn holds the
// header of a data frame with a non-zero length and sends it in the same
// syscall as the body that follows; every other write leaves at once.
//
// It is not safe for concurrent writers. That is enough: only yamux's send
// loop writes to the connection, and it always follows a held header with
// its body. Read and Close pass through.
type coalescingConn struct {
	net.Conn

	held    bool                  // hdr holds a data-frame header awaiting its body
	hdr     [frameHeaderSize]byte // the held header
	scratch []byte                // header+body of small frames; grows up to smallFrame
	vec     [2][]byte             // backing array for bufs
	bufs    net.Buffers           // header and body of a large frame
}

// newCoalescingConn wraps conn for use under a yamux session.
func newCoalescingConn(conn net.Conn) *coalescingConn {
	return &coalescingConn{Conn: conn}
}

// isDataHeader reports whether p is exactly a yamux data-frame header that
// announces a body, i.e. a write that yamux follows with that body.
func isDataHeader(p []byte) bool {
	return len(p) == frameHeaderSize &&
		p[0] == frameVersion && p[1] == frameTypeData &&
		binary.BigEndian.Uint32(p[8:12]) != 0
}

// Write holds a data-frame header, writes it together with the next write,
// and writes anything else at once.
func (c *coalescingConn) Write(p []byte) (int, error) {
	if c.held {
		return c.writeFrame(p)
	}
	if isDataHeader(p) {
		copy(c.hdr[:], p)
		c.held = true
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// writeFrame writes the held header and body in one Write (small bodies,
// copied) or one writev (large bodies, not copied). It returns the number
// of body bytes written.
func (c *coalescingConn) writeFrame(body []byte) (int, error) {
	c.held = false
	var n int64
	var err error
	if len(body) <= smallFrame {
		buf := append(c.scratch[:0], c.hdr[:]...)
		buf = append(buf, body...)
		c.scratch = buf
		var m int
		m, err = c.Conn.Write(buf)
		n = int64(m)
	} else {
		c.vec = [2][]byte{c.hdr[:], body}
		c.bufs = c.vec[:]
		n, err = c.bufs.WriteTo(c.Conn)
		c.vec[1], c.bufs = nil, nil // do not pin the caller's body
	}
	return int(max(n-frameHeaderSize, 0)), err
}
