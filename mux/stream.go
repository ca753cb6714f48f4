package mux

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/yamux"
)

// maxPrefixCopy bounds how much of a first Write is copied next to the
// pending prefix; the rest of that Write is passed to yamux uncopied.
const maxPrefixCopy = 32 << 10

// shrinkLimit is how many bytes a stream reads before it keeps yamux's
// receive buffer between Reads: yamux's initial window.
const shrinkLimit = 256 << 10

// stream is the net.Conn that Dial and Accept return: a yamux stream plus
// the broker's lazy prefix, the stream header on a dialed stream and the
// status byte on an accepted one, sent in the same Write as the first
// payload. A dialed stream consumes the acceptor's status byte on its
// first Read.
type stream struct {
	ys *yamux.Stream
	b  *Broker
	id uint32

	pending atomic.Bool // prefix not sent yet; only cleared under wmu
	wmu     sync.Mutex  // serialises sending the prefix
	prefix  [headerSize]byte
	npre    int // length of prefix: headerSize on the dialer's side, 1 on the acceptor's

	needStatus atomic.Bool // a dialed stream has not read its status byte yet
	rmu        sync.Mutex  // serialises reading the status byte
	rejected   atomic.Bool // rerr is set
	rerr       error       // why the acceptor rejected the stream; set before rejected

	closed atomic.Bool
	nread  atomic.Int64 // bytes read so far
}

// newDialedStream wraps a stream this side opened to the peer's id.
func newDialedStream(b *Broker, ys *yamux.Stream, id uint32) *stream {
	s := &stream{ys: ys, b: b, id: id, prefix: encodeHeader(id), npre: headerSize}
	s.pending.Store(true)
	s.needStatus.Store(true)
	return s
}

// newAcceptedStream wraps an incoming stream whose header announced id.
func newAcceptedStream(b *Broker, ys *yamux.Stream, id uint32) *stream {
	s := &stream{ys: ys, b: b, id: id, prefix: [headerSize]byte{statusAccepted}, npre: 1}
	s.pending.Store(true)
	return s
}

// Read reads payload bytes. On a dialed stream the first Read consumes the
// acceptor's status byte and fails with an error wrapping ErrRejected if
// the acceptor refused the stream.
func (s *stream) Read(p []byte) (int, error) {
	switch {
	case s.closed.Load():
		return 0, net.ErrClosed
	case s.needStatus.Load():
		return s.readFirst(p)
	case s.rejected.Load():
		return 0, s.rerr
	}
	n, err := s.ys.Read(p)
	// yamux keeps a stream's receive buffer, grown to its largest frame, for
	// the stream's life. Drop it once emptied, unless the stream carries
	// bulk, for which yamux would then grow a fresh one for every frame.
	if s.nread.Add(int64(n)) < shrinkLimit {
		s.ys.Shrink() // a no-op unless the buffer is empty
	}
	return n, s.ioErr(err)
}

// readFirst reads the status byte in front of the acceptor's first bytes,
// then payload. An end of stream before the status is a plain io.EOF.
func (s *stream) readFirst(p []byte) (int, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	if !s.needStatus.Load() {
		return s.Read(p)
	}
	var status [1]byte
	if _, err := io.ReadFull(s.ys, status[:]); err != nil {
		return 0, s.ioErr(err)
	}
	if status[0] != statusAccepted {
		s.rerr = rejectError(s.id, status[0])
		s.rejected.Store(true)
	}
	s.needStatus.Store(false)
	return s.Read(p)
}

// Write writes p. The first Write carries the pending prefix; a
// zero-length first Write sends the prefix alone. Like a yamux Write, each
// Write is atomic with respect to other Writes.
func (s *stream) Write(p []byte) (int, error) {
	if s.pending.Load() {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		if s.pending.Load() {
			return s.writePrefixed(p)
		}
	}
	if s.rejected.Load() {
		return 0, s.rerr
	}
	n, err := s.ys.Write(p)
	return n, s.ioErr(err)
}

// writePrefixed sends the prefix in the same yamux Write as the start of
// p, then the rest of p. It is called with wmu held while pending is set.
func (s *stream) writePrefixed(p []byte) (int, error) {
	head := p[:min(len(p), maxPrefixCopy)]
	buf := append(append(make([]byte, 0, s.npre+len(head)), s.prefix[:s.npre]...), head...)
	n, err := s.ys.Write(buf)
	s.pending.Store(false)
	if n = max(n-s.npre, 0); err != nil || n == len(p) {
		return n, s.ioErr(err)
	}
	m, err := s.ys.Write(p[n:])
	return n + m, s.ioErr(err)
}

// Close closes the stream. A dialed stream that never wrote sends its
// header first, so that the acceptor sees the dial end instead of timing
// out (unless a first Write, which carries the header, is in progress).
// Blocked and later Reads and Writes return net.ErrClosed.
func (s *stream) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	if s.npre == headerSize && s.pending.Load() && s.wmu.TryLock() {
		if s.pending.Load() {
			_, _ = s.writePrefixed(nil)
		}
		s.wmu.Unlock()
	}
	s.b.untrack(s)
	err := s.ys.Close()
	// yamux's Close is a half close that leaves a blocked Read waiting for
	// the peer; a deadline in the past wakes it, and ioErr then reports
	// net.ErrClosed.
	_ = s.ys.SetReadDeadline(time.Unix(1, 0))
	return s.ioErr(err)
}

// ioErr translates a yamux error for the caller. A stream closed locally
// gives net.ErrClosed and an expired deadline os.ErrDeadlineExceeded, as
// net.Conn requires. Once the session has ended, any error, io.EOF
// included, becomes the broker's error: yamux ends the streams of a lost
// session as if their peer had closed them, and a lost session must never
// pass for a clean end of stream. Otherwise io.EOF stays io.EOF and a
// reset wraps ErrStreamReset.
func (s *stream) ioErr(err error) error {
	switch {
	case err == nil:
		return nil
	case s.closed.Load():
		return net.ErrClosed
	case s.b.ending() || s.b.sess.IsClosed():
		<-s.b.done // the accept loop records the cause as soon as it sees the end
		return fmt.Errorf("mux: stream %d: %w", s.id, s.b.err)
	case err == yamux.ErrTimeout:
		return fmt.Errorf("mux: stream %d: %w", s.id, os.ErrDeadlineExceeded)
	case err == io.EOF:
		return io.EOF
	}
	return fmt.Errorf("mux: stream %d: %w", s.id, yamuxError(err))
}

// The addresses are the session's connection's; the deadlines are the
// yamux stream's, and an expired one fails Read or Write with
// os.ErrDeadlineExceeded.

func (s *stream) LocalAddr() net.Addr                { return s.ys.LocalAddr() }
func (s *stream) RemoteAddr() net.Addr               { return s.ys.RemoteAddr() }
func (s *stream) SetDeadline(t time.Time) error      { return s.ys.SetDeadline(t) }
func (s *stream) SetReadDeadline(t time.Time) error  { return s.ys.SetReadDeadline(t) }
func (s *stream) SetWriteDeadline(t time.Time) error { return s.ys.SetWriteDeadline(t) }
