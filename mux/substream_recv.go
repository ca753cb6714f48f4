package mux

import (
	"bufio"
	"fmt"
	"io"
)

// The receive loop's side of a stream: storing the bytes of data frames,
// applying window updates and flags, and telling a DataNotifier.

// receive stores the n-byte body of a data frame, read from r by the
// receive loop. Bytes for a stream closed here are discarded and the
// stream is reset.
func (st *substream) receive(r *bufio.Reader, n uint32) error {
	st.mu.Lock()
	if n > st.recvWindow {
		st.mu.Unlock()
		return fmt.Errorf("%w: stream %d sent %d bytes with %d left in its window", ErrProtocol, st.id, n, st.recvWindow)
	}
	st.recvWindow -= n
	st.inflight += n
	st.mu.Unlock()
	for left := int(n); left > 0; {
		piece := min(left, bigChunk)
		if err := st.receivePiece(r, piece); err != nil {
			return err
		}
		left -= piece
	}
	return nil
}

// receivePiece moves piece bytes from r into the receive buffer: with one
// copy under the lock when r holds them already, else read into a fresh
// chunk outside the lock.
func (st *substream) receivePiece(r *bufio.Reader, piece int) error {
	if r.Buffered() >= piece {
		b, _ := r.Peek(piece)
		st.mu.Lock()
		st.inflight -= uint32(piece)
		keep := st.accepting()
		if keep {
			st.buf.write(b)
		}
		st.mu.Unlock()
		_, _ = r.Discard(piece)
		return st.received(keep)
	}
	c := getChunk(piece)[:piece]
	if _, err := io.ReadFull(r, c); err != nil {
		putChunk(c)
		return err
	}
	st.mu.Lock()
	st.inflight -= uint32(piece)
	keep := st.accepting()
	if keep {
		st.buf.push(c)
	} else {
		putChunk(c)
	}
	st.mu.Unlock()
	return st.received(keep)
}

// accepting reports whether received bytes can still be delivered; st.mu
// is held.
func (st *substream) accepting() bool {
	return !st.localClosed && !st.reset && !st.remoteClosed
}

// received wakes the reader after a piece was kept, or resets a stream
// closed here that the peer keeps writing to.
func (st *substream) received(kept bool) error {
	if kept {
		notify(st.readable)
		st.fireWatch()
		return nil
	}
	st.mu.Lock()
	resetNow := st.localClosed && !st.reset
	if resetNow {
		st.reset = true
		st.forgetLocked()
	}
	st.mu.Unlock()
	if !resetNow {
		return nil
	}
	st.sess.remove(st.id)
	return st.sess.queueCtrl(makeHeader(frameWindowUpdate, flagRST, st.id, 0))
}

// grow adds a window update's delta to the send window.
func (st *substream) grow(delta uint32) {
	st.mu.Lock()
	st.sendWindow = uint32(min(uint64(st.sendWindow)+uint64(delta), uint64(^uint32(0))))
	st.mu.Unlock()
	notify(st.writable)
}

// processFlags applies the ACK, FIN and RST flags of a frame.
func (st *substream) processFlags(flags uint16) {
	if flags&(flagACK|flagFIN|flagRST) == 0 {
		return
	}
	st.mu.Lock()
	if flags&flagACK != 0 {
		if st.openTimer != nil {
			st.openTimer.Stop()
		}
		st.releaseOpenLocked()
	}
	forget := false
	switch {
	case flags&flagRST != 0:
		st.reset, forget = true, true
	case flags&flagFIN != 0:
		st.remoteClosed, forget = true, st.localClosed
	}
	if forget {
		st.forgetLocked()
	}
	st.mu.Unlock()
	if forget {
		st.sess.remove(st.id)
	}
	st.wake()
	if flags&(flagFIN|flagRST) != 0 {
		st.fireWatch()
	}
}

// notifyData registers fn to run once, on the receive loop, when bytes,
// the peer's FIN or a reset arrive. It returns false, registering
// nothing, if some are there already.
func (st *substream) notifyData(fn func()) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.buf.Len() > 0 || st.remoteClosed || st.reset || st.localClosed {
		return false
	}
	st.watch = fn
	return true
}

// stopNotify unregisters the function notifyData registered and reports
// whether it did so before the function ran.
func (st *substream) stopNotify() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	fn := st.watch
	st.watch = nil
	return fn != nil
}

// fireWatch runs and clears the registered watch, if any.
func (st *substream) fireWatch() {
	st.mu.Lock()
	fn := st.watch
	st.watch = nil
	st.mu.Unlock()
	if fn != nil {
		fn()
	}
}
