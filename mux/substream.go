package mux

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// substream is one stream of a session: a net.Conn carrying the bytes of
// one yamux stream, with yamux's flow control. Reads, Writes, Close and
// the deadline setters are safe for concurrent use; each Write is atomic
// with respect to other Writes.
//
// Closing is a full close: Close sends a FIN and drops unread bytes. Bytes
// the peer sends afterwards cannot be delivered, so the first of them
// makes this side reset the stream (RST), as TCP does, and the peer's
// writer learns that nobody reads.
// When the peer resets a stream, Read returns what arrived before the
// reset, then an error wrapping ErrStreamReset.
type substream struct {
	sess   *session
	id     uint32
	opened bool // this side opened it

	wmu sync.Mutex // serializes Writes, and Close behind them

	mu           sync.Mutex // guards the fields below
	buf          recvBuf    // received, not yet read
	inflight     uint32     // bytes of a data frame being moved into buf
	recvWindow   uint32     // bytes the peer may still send
	sendWindow   uint32     // bytes this side may still send
	synPending   bool       // opened here, nothing sent: the first frame goes out after a SYN
	holdsOpen    bool       // holds a token of sess.opens until the peer's ACK
	localClosed  bool       // Close was called
	remoteClosed bool       // the peer's FIN arrived
	reset        bool       // reset by either side
	removed      bool       // forgotten by the session
	readDeadline time.Time
	writeDeadln  time.Time
	watch        func()      // run once by the receive loop when bytes or the end arrive
	openTimer    *time.Timer // ends the session if the SYN is not acknowledged in time
	closeTimer   *time.Timer // resets the stream if the peer's FIN does not come

	readable chan struct{} // capacity 1: data, EOF, reset or a new deadline
	writable chan struct{} // capacity 1: window, reset, close or a new deadline
}

func newSubstream(s *session, id uint32, opened bool) *substream {
	return &substream{
		sess:       s,
		id:         id,
		opened:     opened,
		recvWindow: initialWindow,
		sendWindow: initialWindow,
		synPending: opened,
		holdsOpen:  opened,
		readable:   make(chan struct{}, 1),
		writable:   make(chan struct{}, 1),
	}
}

// Read reads received bytes, blocking until some arrive, the peer closes
// or resets the stream, the read deadline passes or the session ends.
func (st *substream) Read(p []byte) (int, error) {
	for {
		st.mu.Lock()
		if st.localClosed {
			st.mu.Unlock()
			notify(st.readable) // pass the wake-up on to another blocked Read
			return 0, net.ErrClosed
		}
		if st.buf.Len() > 0 {
			n := st.buf.read(p)
			more := st.buf.Len() > 0
			delta := st.grant(false)
			st.mu.Unlock()
			if more {
				notify(st.readable)
			}
			if delta > 0 {
				_ = st.sess.send(nil, makeHeader(frameWindowUpdate, 0, st.id, delta), nil)
			}
			return n, nil
		}
		err := st.readErr()
		deadline := st.readDeadline
		st.mu.Unlock()
		if err != nil {
			notify(st.readable)
			return 0, err
		}
		if err := st.wait(st.readable, deadline); err != nil {
			return 0, err
		}
	}
}

// readErr is why a Read with nothing buffered cannot wait; st.mu is held.
func (st *substream) readErr() error {
	switch {
	case st.reset:
		return fmt.Errorf("%w (stream %d)", ErrStreamReset, st.id)
	case st.remoteClosed:
		return io.EOF
	case st.sess.isDone():
		return st.sess.err
	}
	return nil
}

// grant returns by how much to grow the peer's send window now, zero if
// no window update is due (yamux sends one once half the window is
// free), and counts it as granted; force sends even a zero update, for
// SYN and ACK. st.mu is held.
func (st *substream) grant(force bool) uint32 {
	limit := int64(st.sess.cfg.StreamWindow)
	free := limit - int64(st.buf.Len()) - int64(st.inflight) - int64(st.recvWindow)
	if free < limit/2 && !force {
		return 0
	}
	delta := uint32(max(free, 0))
	st.recvWindow += delta
	return delta
}

// Write writes p as data frames of at most maxFrame bytes, each sent from
// the calling goroutine once the peer's window allows. It blocks while
// the window is exhausted, until the write deadline passes. A zero-length
// Write on a stream opened here that has sent nothing yet sends its SYN,
// so that the peer learns of the stream.
func (st *substream) Write(p []byte) (int, error) {
	st.wmu.Lock()
	defer st.wmu.Unlock()
	if len(p) == 0 {
		return 0, st.announce()
	}
	sent := 0
	for sent < len(p) {
		n, syn, err := st.reserve(len(p) - sent)
		if err != nil {
			return sent, err
		}
		if err := st.sess.send(syn, makeHeader(frameData, 0, st.id, uint32(n)), p[sent:sent+n]); err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// announce sends the SYN of a stream opened here if nothing was sent yet.
func (st *substream) announce() error {
	st.mu.Lock()
	err := st.writeErr()
	var syn *frameHeader
	if err == nil {
		syn = st.takeSYN()
	}
	st.mu.Unlock()
	if syn == nil {
		return err
	}
	return st.sess.send(nil, *syn, nil)
}

// reserve waits for send window and takes up to want bytes of it. syn is
// the window update that must precede the stream's first frame, if any.
func (st *substream) reserve(want int) (n int, syn *frameHeader, err error) {
	for {
		st.mu.Lock()
		err = st.writeErr()
		if err == nil && st.sendWindow > 0 {
			n = min(want, int(st.sendWindow), maxFrame)
			st.sendWindow -= uint32(n)
			syn = st.takeSYN()
			st.mu.Unlock()
			return n, syn, nil
		}
		deadline := st.writeDeadln
		st.mu.Unlock()
		if err != nil {
			return 0, nil, err
		}
		if err := st.wait(st.writable, deadline); err != nil {
			return 0, nil, err
		}
	}
}

// writeErr is why a Write cannot send; st.mu is held.
func (st *substream) writeErr() error {
	switch {
	case st.localClosed:
		return net.ErrClosed
	case st.reset:
		return fmt.Errorf("%w (stream %d)", ErrStreamReset, st.id)
	case st.sess.isDone():
		return st.sess.err
	}
	return nil
}

// takeSYN returns the window update that opens the stream if it has not
// been sent, and starts waiting for the peer's ACK. st.mu is held.
func (st *substream) takeSYN() *frameHeader {
	if !st.synPending {
		return nil
	}
	st.synPending = false
	h := makeHeader(frameWindowUpdate, flagSYN, st.id, st.grant(true))
	if d := st.sess.cfg.StreamOpenTimeout; d > 0 {
		st.openTimer = time.AfterFunc(d, st.openTimedOut)
	}
	return &h
}

// openTimedOut ends the session: the peer did not acknowledge an open in
// StreamOpenTimeout, so it is not processing frames.
func (st *substream) openTimedOut() {
	st.mu.Lock()
	waiting := st.holdsOpen && !st.removed
	st.mu.Unlock()
	if waiting {
		st.sess.shutdown(fmt.Errorf("the peer did not acknowledge stream %d within %v", st.id, st.sess.cfg.StreamOpenTimeout))
	}
}

// wait blocks until ch is signalled, the deadline passes or the session
// ends; the caller then re-examines the stream.
func (st *substream) wait(ch chan struct{}, deadline time.Time) error {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return os.ErrDeadlineExceeded
		}
		t := time.NewTimer(d)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-ch:
	case <-st.sess.done:
	case <-expired:
		return os.ErrDeadlineExceeded
	}
	return nil
}

// Close closes the stream: blocked and later Reads and Writes fail with
// net.ErrClosed. It waits for a Write in progress to finish its current
// frame, then sends FIN and drops unread bytes. It is idempotent and
// returns nil.
func (st *substream) Close() error {
	st.mu.Lock()
	if st.localClosed {
		st.mu.Unlock()
		return nil
	}
	st.localClosed = true
	st.mu.Unlock()
	st.wake()

	st.wmu.Lock()
	defer st.wmu.Unlock()
	st.mu.Lock()
	var flags uint16
	forget := true
	switch {
	case st.reset || st.synPending || st.sess.isDone():
		// nothing to tell the peer
	case st.remoteClosed:
		flags = flagFIN
	default:
		flags, forget = flagFIN, false
		st.closeTimer = time.AfterFunc(streamCloseTimeout, st.abandon)
	}
	st.buf.reset()
	if forget {
		st.forgetLocked()
	}
	st.mu.Unlock()
	if forget {
		st.sess.remove(st.id)
	}
	if flags != 0 {
		_ = st.sess.send(nil, makeHeader(frameWindowUpdate, flags, st.id, 0), nil)
	}
	return nil
}

// abandon resets a stream whose peer never sent its FIN after our Close.
func (st *substream) abandon() {
	st.mu.Lock()
	if st.removed || st.remoteClosed {
		st.mu.Unlock()
		return
	}
	st.reset = true
	st.forgetLocked()
	st.mu.Unlock()
	st.sess.remove(st.id)
	_ = st.sess.send(nil, makeHeader(frameWindowUpdate, flagRST, st.id, 0), nil)
}

// forgetLocked marks the stream removed, stops its timers and gives back
// its open token. st.mu is held; the caller then calls sess.remove.
func (st *substream) forgetLocked() {
	if st.removed {
		return
	}
	st.removed = true
	st.stopTimersLocked()
	st.releaseOpenLocked()
}

func (st *substream) releaseOpenLocked() {
	if st.holdsOpen {
		st.holdsOpen = false
		<-st.sess.opens
	}
}

func (st *substream) stopTimersLocked() {
	if st.openTimer != nil {
		st.openTimer.Stop()
	}
	if st.closeTimer != nil {
		st.closeTimer.Stop()
	}
}

// stopTimers stops the stream's timers when the session ends.
func (st *substream) stopTimers() {
	st.mu.Lock()
	st.stopTimersLocked()
	st.mu.Unlock()
}

// acknowledge sends the ACK of a stream the peer opened, granting it the
// full window.
func (st *substream) acknowledge() error {
	st.mu.Lock()
	delta := st.grant(true)
	st.mu.Unlock()
	return st.sess.send(nil, makeHeader(frameWindowUpdate, flagACK, st.id, delta), nil)
}

// wake makes blocked Reads and Writes re-examine the stream.
func (st *substream) wake() {
	notify(st.readable)
	notify(st.writable)
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// SetDeadline sets the read and write deadlines.
func (st *substream) SetDeadline(t time.Time) error {
	st.mu.Lock()
	st.readDeadline, st.writeDeadln = t, t
	st.mu.Unlock()
	st.wake()
	return nil
}

// SetReadDeadline sets the deadline for blocked and future Reads.
func (st *substream) SetReadDeadline(t time.Time) error {
	st.mu.Lock()
	st.readDeadline = t
	st.mu.Unlock()
	notify(st.readable)
	return nil
}

// SetWriteDeadline sets the deadline for Writes waiting for window.
func (st *substream) SetWriteDeadline(t time.Time) error {
	st.mu.Lock()
	st.writeDeadln = t
	st.mu.Unlock()
	notify(st.writable)
	return nil
}

// LocalAddr returns the local address of the session's connection.
func (st *substream) LocalAddr() net.Addr { return st.sess.conn.LocalAddr() }

// RemoteAddr returns the peer's address of the session's connection.
func (st *substream) RemoteAddr() net.Addr { return st.sess.conn.RemoteAddr() }
