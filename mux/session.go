package mux

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Session limits.
const (
	// maxCtrlQueue bounds the answers (pings, resets) the receive loop may
	// queue for the control writer. A peer that makes it queue more while
	// not reading what we write is breaking the protocol.
	maxCtrlQueue = 4096

	// streamCloseTimeout is how long a stream closed locally waits for the
	// peer's FIN before it is reset and forgotten.
	streamCloseTimeout = 5 * time.Minute

	// recvBufferSize is the size of the receive loop's connection buffer.
	recvBufferSize = 64 << 10

	// smallFrame is the largest frame body copied next to its headers and
	// sent with one Write; larger bodies go out with writev uncopied.
	smallFrame = 16 << 10

	// maxFrame bounds the body of a data frame this side sends, so that a
	// large Write on one stream does not hold the connection for long.
	maxFrame = 1 << 20
)

// session is one end of a yamux (protocol version 0) session over a
// connection: the layer under the Broker.
//
// Every frame is written by the goroutine that produces it, under wmu: a
// stream Write is one system call from the writer's own goroutine. (The
// hashicorp/yamux package hands each frame to a send goroutine and waits
// for it, two goroutine hand-offs per message that cost more than the
// write itself between processes.) One goroutine, the receive loop, reads
// the connection. It never writes to it, so two sessions that both stop
// reading while they write cannot deadlock each other: the few frames it
// must answer (pings, resets of streams nobody will read) are queued for
// the control writer goroutine. Its one write of its own is a best-effort
// go-away, bounded in time, just before it ends the session.
type session struct {
	conn   net.Conn
	cfg    Config
	client bool
	log    *slog.Logger

	wmu     sync.Mutex // serializes writes to conn; guards scratch
	scratch []byte     // headers and small bodies, copied into one Write

	mu       sync.Mutex // guards the fields below
	streams  map[uint32]*substream
	nextID   uint32        // the id of this side's next open
	ctrlq    []frameHeader // frames waiting for the control writer
	pings    map[uint32]chan struct{}
	pingID   uint32
	goneAway bool  // the peer accepts no new streams
	cause    error // why the session ended, nil for a local close

	accepts  chan *substream // opened by the peer, waiting for accept
	opens    chan struct{}   // one token per own open awaiting its ACK
	ctrlWake chan struct{}   // capacity 1: the control queue is not empty

	done     chan struct{} // closed by shutdown
	doneOnce sync.Once
	err      error // ErrClosed, wrapping cause; set before done is closed
	wg       sync.WaitGroup
}

// newSession starts a session over conn with a defaulted, valid cfg. The
// client opens odd stream ids, the server even ones.
func newSession(conn net.Conn, cfg Config, client bool) *session {
	s := &session{
		conn:     conn,
		cfg:      cfg,
		client:   client,
		log:      cfg.Logger,
		streams:  make(map[uint32]*substream),
		pings:    make(map[uint32]chan struct{}),
		accepts:  make(chan *substream, cfg.AcceptBacklog),
		opens:    make(chan struct{}, max(cfg.AcceptBacklog, 1)),
		ctrlWake: make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	s.nextID = 2
	if client {
		s.nextID = 1
	}
	s.wg.Add(2)
	go s.recvLoop()
	go s.ctrlLoop()
	if cfg.KeepAliveInterval > 0 {
		s.wg.Add(1)
		go s.keepalive()
	}
	return s
}

// open registers a new stream opened by this side. Nothing is sent until
// the stream's first Write or Close. It blocks while AcceptBacklog opens
// await the peer's ACK, until ctx ends or the session does.
func (s *session) open(ctx context.Context) (*substream, error) {
	select {
	case s.opens <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, s.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	switch {
	case s.isDone():
		err = s.err
	case s.goneAway:
		err = errors.New("mux: the peer is going away and accepts no new streams")
	case s.nextID >= ^uint32(0)-1:
		err = errors.New("mux: stream ids exhausted")
	}
	if err != nil {
		<-s.opens
		return nil, err
	}
	st := newSubstream(s, s.nextID, true)
	s.nextID += 2
	s.streams[st.id] = st
	return st, nil
}

// accept returns the next stream the peer opened, after acknowledging it.
// It blocks until there is one or the session ends.
func (s *session) accept() (*substream, error) {
	select {
	case st := <-s.accepts:
		if err := st.acknowledge(); err != nil {
			return nil, err
		}
		return st, nil
	case <-s.done:
		return nil, s.err
	}
}

// numStreams returns the number of streams not yet closed by both ends.
func (s *session) numStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.streams)
}

// close ends the session and waits for its goroutines.
func (s *session) close() {
	s.shutdown(nil)
	s.wg.Wait()
}

// shutdown ends the session for cause (nil for a local close): it closes
// the connection, wakes every blocked stream operation and stops the
// streams' timers. Only the first call counts. It does not wait.
func (s *session) shutdown(cause error) {
	s.doneOnce.Do(func() {
		s.mu.Lock()
		s.cause = cause
		s.err = closedError(cause)
		close(s.done)
		for _, st := range s.streams {
			st.stopTimers()
		}
		s.mu.Unlock()
		s.conn.Close()
	})
}

// lossCause returns why the session ended, nil for a local close; it must
// only be called once done is closed.
func (s *session) lossCause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cause
}

func (s *session) isDone() bool { return isClosed(s.done) }

// remove forgets a stream both ends are done with.
func (s *session) remove(id uint32) {
	s.mu.Lock()
	delete(s.streams, id)
	s.mu.Unlock()
}

// lookup returns the stream with id, or nil.
func (s *session) lookup(id uint32) *substream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams[id]
}

// send writes an optional header-only frame pre, then the frame h with
// body, in one system call. A failed write ends the session: the peer may
// have received part of a frame.
func (s *session) send(pre *frameHeader, h frameHeader, body []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.isDone() {
		return s.err
	}
	if d := s.cfg.ConnectionWriteTimeout; d > 0 {
		_ = s.conn.SetWriteDeadline(time.Now().Add(d))
	}
	var err error
	if len(body) <= smallFrame {
		buf := s.scratch[:0]
		if pre != nil {
			buf = append(buf, pre[:]...)
		}
		buf = append(append(buf, h[:]...), body...)
		s.scratch = buf
		_, err = s.conn.Write(buf)
	} else {
		bufs := make(net.Buffers, 0, 3)
		if pre != nil {
			bufs = append(bufs, pre[:])
		}
		bufs = append(bufs, h[:], body)
		_, err = bufs.WriteTo(s.conn)
	}
	if err != nil {
		s.shutdown(fmt.Errorf("write to connection: %w", err))
		return s.err
	}
	return nil
}

// goAwayTimeout bounds the write of the go-away that tells a peer which
// broke the protocol why the session ends.
const goAwayTimeout = time.Second

// tryGoAway writes a go-away with code if the connection is free now and
// takes it within goAwayTimeout; the receive loop calls it just before
// ending the session, so it must not wait for other writers or for a peer
// that does not read.
func (s *session) tryGoAway(code uint32) {
	if !s.wmu.TryLock() {
		return
	}
	defer s.wmu.Unlock()
	h := makeHeader(frameGoAway, 0, 0, code)
	_ = s.conn.SetWriteDeadline(time.Now().Add(goAwayTimeout))
	_, _ = s.conn.Write(h[:])
}

// queueCtrl queues a header-only frame for the control writer. It never
// blocks, so the receive loop can call it.
func (s *session) queueCtrl(h frameHeader) error {
	s.mu.Lock()
	if len(s.ctrlq) >= maxCtrlQueue {
		s.mu.Unlock()
		return fmt.Errorf("%w: the peer made %d answers pile up without reading them", ErrProtocol, maxCtrlQueue)
	}
	s.ctrlq = append(s.ctrlq, h)
	s.mu.Unlock()
	select {
	case s.ctrlWake <- struct{}{}:
	default:
	}
	return nil
}

// ctrlLoop writes the frames queueCtrl queued.
func (s *session) ctrlLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctrlWake:
		case <-s.done:
			return
		}
		s.mu.Lock()
		q := s.ctrlq
		s.ctrlq = nil
		s.mu.Unlock()
		for _, h := range q {
			if s.send(nil, h, nil) != nil {
				return
			}
		}
	}
}

// keepalive pings the peer every KeepAliveInterval and ends the session
// when an answer does not come within ConnectionWriteTimeout.
func (s *session) keepalive() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.KeepAliveInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.done:
			return
		}
		if err := s.ping(); err != nil {
			s.shutdown(err)
			return
		}
	}
}

// ping sends a ping and waits for its answer; it returns nil if the
// session ends first.
func (s *session) ping() error {
	s.mu.Lock()
	s.pingID++
	id, answered := s.pingID, make(chan struct{})
	s.pings[id] = answered
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pings, id)
		s.mu.Unlock()
	}()
	if err := s.send(nil, makeHeader(framePing, flagSYN, 0, id), nil); err != nil {
		return nil
	}
	timer := time.NewTimer(s.cfg.ConnectionWriteTimeout)
	defer timer.Stop()
	select {
	case <-answered:
		return nil
	case <-s.done:
		return nil
	case <-timer.C:
		return fmt.Errorf("%w: no answer to a ping within %v", ErrKeepAliveTimeout, s.cfg.ConnectionWriteTimeout)
	}
}

// recvLoop reads frames until the connection fails or the peer breaks the
// protocol, then ends the session.
func (s *session) recvLoop() {
	defer s.wg.Done()
	r := bufio.NewReaderSize(s.conn, recvBufferSize)
	var h frameHeader
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			s.shutdown(err)
			return
		}
		if err := s.handle(r, &h); err != nil {
			if errors.Is(err, ErrProtocol) {
				s.log.Warn("mux: ending the session", "err", err)
				s.tryGoAway(goAwayProtocol)
			}
			s.shutdown(err)
			return
		}
	}
}

// handle processes the frame whose header is h; a data frame's body is
// read from r.
func (s *session) handle(r *bufio.Reader, h *frameHeader) error {
	if err := h.check(); err != nil {
		return err
	}
	switch h.typ() {
	case framePing:
		return s.handlePing(h)
	case frameGoAway:
		return s.handleGoAway(h)
	}
	st, err := s.streamFor(h)
	if err != nil || st == nil {
		if err == nil && h.typ() == frameData {
			_, err = r.Discard(int(h.length()))
		}
		return err
	}
	if h.typ() == frameData {
		if err := st.receive(r, h.length()); err != nil {
			return err
		}
	} else {
		st.grow(h.length())
	}
	st.processFlags(h.flags())
	return nil
}

// streamFor returns the stream a data or window-update frame is for,
// registering it if the frame opens it, or nil for a stream that is gone.
func (s *session) streamFor(h *frameHeader) (*substream, error) {
	id := h.streamID()
	if h.flags()&flagSYN == 0 {
		return s.lookup(id), nil
	}
	if (id%2 == 1) == s.client {
		return nil, fmt.Errorf("%w: the peer opened stream %d, an id of this side", ErrProtocol, id)
	}
	s.mu.Lock()
	if s.streams[id] != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: the peer opened stream %d twice", ErrProtocol, id)
	}
	st := newSubstream(s, id, false)
	s.streams[id] = st
	s.mu.Unlock()
	select {
	case s.accepts <- st:
		return st, nil
	default:
	}
	s.remove(id)
	s.log.Warn("mux: resetting a stream the peer opened: the accept backlog is full", "stream", id, "backlog", s.cfg.AcceptBacklog)
	return nil, s.queueCtrl(makeHeader(frameWindowUpdate, flagRST, id, 0))
}

func (s *session) handlePing(h *frameHeader) error {
	if h.flags()&flagSYN != 0 {
		return s.queueCtrl(makeHeader(framePing, flagACK, 0, h.length()))
	}
	s.mu.Lock()
	answered := s.pings[h.length()]
	delete(s.pings, h.length())
	s.mu.Unlock()
	if answered != nil {
		close(answered)
	}
	return nil
}

func (s *session) handleGoAway(h *frameHeader) error {
	switch code := h.length(); code {
	case goAwayNormal:
		s.mu.Lock()
		s.goneAway = true
		s.mu.Unlock()
		return nil
	case goAwayProtocol:
		return errors.New("mux: the peer ended the session: it saw a protocol error")
	case goAwayInternal:
		return errors.New("mux: the peer ended the session: internal error")
	default:
		return fmt.Errorf("mux: the peer ended the session with go-away code %d", code)
	}
}
