package mux

import (
	"encoding/binary"
	"net"
	"sync/atomic"
)

// The parts of yamux's frame format (its spec.md) that coalescingConn reads.
const (
	frameHeaderSize = 12 // version, type, flags (2), stream id (4), length (4)
	frameVersion    = 0  // the only version of the protocol
	frameTypeData   = 0  // a data frame: length bytes of body follow the header
)

// smallFrame is the largest frame body that coalescingConn copies next to
// its header; larger bodies leave with writev (net.Buffers), uncopied.
const smallFrame = 16 << 10

// coalescingConn is the connection yamux writes to. yamux's send loop
// writes each frame as a Write of its 12-byte header followed, for a data
// frame, by a Write of its body: two system calls, and across processes
// often two wake-ups of the peer, per message. coalescingConn holds a data
// frame's header and writes it with the body; other Writes pass through.
// It is not safe for concurrent Writes and need not be: yamux's send loop
// is its only writer, and always follows a data header with its body.
type coalescingConn struct {
	net.Conn

	lost func(error) // called by Read when the connection fails

	read, written atomic.Int64 // bytes through the connection, frames included

	held    bool                  // hdr is a data-frame header waiting for its body
	hdr     [frameHeaderSize]byte // the held header
	scratch []byte                // header and small body; grows to smallFrame
	vec     [2][]byte             // header and large body, for bufs
}

// newCoalescingConn wraps conn, the connection of a yamux session; lost
// is called with the error of a failed Read, before yamux sees it.
func newCoalescingConn(conn net.Conn, lost func(error)) *coalescingConn {
	return &coalescingConn{Conn: conn, lost: lost}
}

// Read reads from the connection; only yamux's receive loop calls it.
func (c *coalescingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	if err != nil {
		c.lost(err)
	}
	return n, err
}

// isDataHeader reports whether p is exactly the header of a data frame
// that has a body, which is what yamux writes right before that body.
func isDataHeader(p []byte) bool {
	return len(p) == frameHeaderSize && p[0] == frameVersion && p[1] == frameTypeData &&
		binary.BigEndian.Uint32(p[8:]) != 0
}

// Write holds a data frame's header, sends it with the Write that follows
// (the frame's body), and sends anything else at once.
func (c *coalescingConn) Write(p []byte) (int, error) {
	if c.held {
		return c.writeFrame(p)
	}
	if isDataHeader(p) {
		copy(c.hdr[:], p)
		c.held = true
		return len(p), nil
	}
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// writeFrame sends the held header and body in one Write (small bodies,
// copied) or one writev (large ones; net.Buffers writes them in turn on a
// connection without writev). It returns how many body bytes were written.
func (c *coalescingConn) writeFrame(body []byte) (int, error) {
	c.held = false
	if len(body) <= smallFrame {
		c.scratch = append(append(c.scratch[:0], c.hdr[:]...), body...)
		n, err := c.Conn.Write(c.scratch)
		c.written.Add(int64(n))
		return max(n-frameHeaderSize, 0), err
	}
	c.vec = [2][]byte{c.hdr[:], body}
	bufs := net.Buffers(c.vec[:])
	n, err := bufs.WriteTo(c.Conn)
	c.written.Add(n)
	c.vec[1] = nil // do not keep the caller's body alive
	return int(max(n-frameHeaderSize, 0)), err
}
