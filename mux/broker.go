package mux

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/yamux"
)

// Broker multiplexes one connection into numbered streams (see the
// package doc). All methods are safe for concurrent use. A Broker is
// created by Client or Server and lives until Close or until its
// connection fails; Done and Err report the end.
type Broker struct {
	sess *yamux.Session
	conn *coalescingConn // beneath sess
	cfg  Config
	next atomic.Uint32  // the last id NextID returned
	lost atomic.Bool    // the connection failed: done is closed or about to be
	done chan struct{}  // closed, under mu, when the session is gone
	wg   sync.WaitGroup // the accept loop and the stream identifiers

	mu        sync.Mutex               // guards the fields below
	waiting   map[uint32]chan *stream  // Accepts waiting for their id; buffered 1
	listening map[uint32]*Listener     // ids a Listener takes the streams of
	parked    map[uint32]*parkedStream // identified streams no Accept waited for
	streams   map[*stream]struct{}     // streams handed to Dial and Accept callers, not closed
	closing   bool                     // set with err, before done is closed
	err       error                    // why the broker is done; read-only once done is closed
}

// parkedStream is an incoming stream waiting for its Accept. The
// goroutine that parked it owns it until taken is closed by Accept.
type parkedStream struct {
	s     *stream
	taken chan struct{}
}

// Client starts the host side (the yamux client) of a session over conn.
// It takes ownership of conn, which Close closes; on error conn is left
// open. cfg may be nil; it is copied, not retained. The error wraps
// ErrBadConfig for an invalid cfg.
func Client(conn net.Conn, cfg *Config) (*Broker, error) { return newBroker(conn, cfg, true) }

// Server starts the plugin side (the yamux server) of a session over conn,
// as Client does the host side.
func Server(conn net.Conn, cfg *Config) (*Broker, error) { return newBroker(conn, cfg, false) }

func newBroker(conn net.Conn, cfg *Config, client bool) (*Broker, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Broker{cfg: c, done: make(chan struct{}), waiting: make(map[uint32]chan *stream),
		listening: make(map[uint32]*Listener), parked: make(map[uint32]*parkedStream),
		streams: make(map[*stream]struct{})}
	open := yamux.Server
	if client {
		open = yamux.Client
	}
	b.conn = newCoalescingConn(conn, b.connFailed)
	if b.sess, err = open(b.conn, c.yamuxConfig(b.ending)); err != nil {
		return nil, fmt.Errorf("mux: start session: %w", err)
	}
	b.wg.Add(1)
	go b.acceptLoop()
	return b, nil
}

// NextID returns a fresh id for an object this side will serve. It never
// returns 0, the main service's id. It is safe for concurrent use.
func (b *Broker) NextID() uint32 {
	for {
		if id := b.next.Add(1); id != 0 {
			return id
		}
	}
}

// Accept waits for the peer to dial id and returns the stream. It blocks
// until the dialer's first bytes (or its Close) arrive, ctx ends,
// Config.BrokerTimeout passes (ErrAcceptTimeout), or the broker is done
// (ErrClosed). A stream that arrived before Accept was called is returned
// at once. An Accept for an id that another Accept or a Listener already
// waits for fails with ErrDuplicateID. The caller owns the returned conn
// and must close it.
func (b *Broker) Accept(ctx context.Context, id uint32) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mux: accept stream %d: %w", id, err)
	}
	ch, s, err := b.register(id)
	if err != nil {
		return nil, fmt.Errorf("mux: accept stream %d: %w", id, err)
	}
	if ch == nil {
		return s, nil
	}
	return b.awaitDial(ctx, id, ch)
}

// register takes a parked stream for id or registers a waiting Accept.
func (b *Broker) register(id uint32) (chan *stream, *stream, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closing:
		return nil, nil, b.err
	case b.parked[id] != nil:
		p := b.parked[id]
		delete(b.parked, id)
		close(p.taken)
		return nil, b.trackLocked(p.s), nil
	case b.waiting[id] != nil || b.listening[id] != nil:
		return nil, nil, ErrDuplicateID
	}
	ch := make(chan *stream, 1)
	b.waiting[id] = ch
	return ch, nil, nil
}

// awaitDial waits for the stream that route hands to ch.
func (b *Broker) awaitDial(ctx context.Context, id uint32, ch chan *stream) (net.Conn, error) {
	timer := time.NewTimer(b.cfg.BrokerTimeout)
	defer timer.Stop()
	var err error
	select {
	case s := <-ch:
		return s, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = ErrAcceptTimeout
	case <-b.done:
		err = b.err
	}
	b.mu.Lock()
	if b.waiting[id] == ch {
		delete(b.waiting, id)
	}
	b.mu.Unlock()
	select {
	case s := <-ch: // handed over while we gave up: take it after all
		if !b.isDone() {
			return s, nil
		}
		s.Close()
	default:
	}
	return nil, fmt.Errorf("mux: accept stream %d: %w", id, err)
}

// Dial opens a stream to the object the peer serves under id without
// waiting for the peer (see the package doc): a Dial to an id nobody
// accepts succeeds, and the first Read fails with an error wrapping
// ErrRejected. It blocks only while Config.AcceptBacklog opens await the
// peer's acknowledgement. ctx is checked before opening. The caller owns
// the returned conn and must close it.
func (b *Broker) Dial(ctx context.Context, id uint32) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mux: dial stream %d: %w", id, err)
	}
	if b.isDone() {
		return nil, fmt.Errorf("mux: dial stream %d: %w", id, b.err)
	}
	ys, err := b.sess.OpenStream()
	if err != nil {
		return nil, fmt.Errorf("mux: dial stream %d: %w", id, b.sessionErr(err))
	}
	return b.track(newDialedStream(b, ys, id)), nil
}

// Close closes the session, its connection and every stream, makes pending
// Accepts and Dials return ErrClosed, and waits for the broker's
// goroutines. It is idempotent and safe for concurrent use; it returns nil.
func (b *Broker) Close() error {
	b.shutdown(nil)
	b.wg.Wait()
	return nil
}

// Done returns a channel that is closed when the session is gone: after
// Close, or when the peer vanished or the connection broke.
func (b *Broker) Done() <-chan struct{} { return b.done }

// Err returns nil while the session is up, then why it ended: an error
// wrapping ErrClosed and, if the connection failed, its error.
func (b *Broker) Err() error {
	if b.isDone() {
		return b.err
	}
	return nil
}

// NumStreams returns the number of open streams, counting both
// directions. A stream leaves the count once both ends have closed it.
func (b *Broker) NumStreams() int { return b.sess.NumStreams() }

// ending reports whether the broker is done or its connection failed.
func (b *Broker) ending() bool { return b.lost.Load() || b.isDone() }

// isDone reports whether done is closed.
func (b *Broker) isDone() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// shutdown ends the broker for cause (nil for a local Close) and closes
// the session.
func (b *Broker) shutdown(cause error) {
	b.end(cause)
	b.sess.Close()
}

// end marks the broker done for cause (only its first call sets the
// error) and wakes every Read and Write of its streams, which then fail
// with the broker's error. It must run before yamux closes the session:
// from the moment yamux marks the session closed until it has closed every
// stream, each goroutine waiting in a stream's Read or Write spins, and a
// few hundred idle served objects' readers then starve the shutdown for
// seconds.
func (b *Broker) end(cause error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closing {
		b.closing = true
		b.err = closedError(cause)
		close(b.done)
	}
	b.wakeLocked()
}

// connFailed is called by the coalescing conn when a Read of the
// connection fails, before yamux sees the error. A connection closed on
// this side was closed by Close or by yamux, which report why themselves.
func (b *Broker) connFailed(err error) {
	if errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
		b.mu.Lock()
		b.wakeLocked()
		b.mu.Unlock()
		return
	}
	b.end(err)
}

// wakeLocked makes every blocked and later Read and Write of the broker's
// streams return; it is called with mu held once the broker is ending.
func (b *Broker) wakeLocked() {
	b.lost.Store(true)
	for s := range b.streams {
		_ = s.ys.SetDeadline(time.Unix(1, 0))
	}
}

// track records a stream handed out, so that end can wake it.
func (b *Broker) track(s *stream) *stream {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.trackLocked(s)
}

// trackLocked is track with mu held.
func (b *Broker) trackLocked(s *stream) *stream {
	b.streams[s] = struct{}{}
	if b.closing {
		_ = s.ys.SetDeadline(time.Unix(1, 0))
	}
	return s
}

// untrack forgets a closed stream.
func (b *Broker) untrack(s *stream) {
	b.mu.Lock()
	delete(b.streams, s)
	b.mu.Unlock()
}

// sessionErr reports a yamux error of a session operation as the
// broker's error once the session is closed.
func (b *Broker) sessionErr(err error) error {
	if !b.sess.IsClosed() {
		return yamuxError(err)
	}
	<-b.done // the accept loop records the cause as soon as it sees the close
	return b.err
}

// acceptLoop hands every stream the peer opens to an identifier goroutine
// and ends the broker when the session ends; yamux's error then is why.
func (b *Broker) acceptLoop() {
	defer b.wg.Done()
	for {
		ys, err := b.sess.AcceptStream()
		if err != nil {
			if b.sess.IsClosed() {
				b.shutdown(yamuxError(err))
				return
			}
			// Only the stream's acknowledgement failed (the connection
			// write timed out); the stream itself is lost.
			b.cfg.Logger.Warn("mux: accepting a stream failed", "err", err)
			continue
		}
		b.wg.Add(1)
		go b.identify(ys)
	}
}

// identify reads the header of an incoming stream and routes it to its
// Accept, parking it if no Accept is waiting yet.
func (b *Broker) identify(ys *yamux.Stream) {
	defer b.wg.Done()
	id, status, err := b.readHeader(ys)
	if err != nil {
		b.cfg.Logger.Debug("mux: dropping incoming stream", "err", err)
		b.reject(ys, status)
		return
	}
	if p := b.route(newAcceptedStream(b, ys, id)); p != nil {
		b.waitParked(id, p)
	}
}

// readHeader reads a stream header, waiting at most BrokerTimeout. On
// failure status is the rejection to send, or statusAccepted to just close.
func (b *Broker) readHeader(ys *yamux.Stream) (uint32, byte, error) {
	var h [headerSize]byte
	_ = ys.SetReadDeadline(time.Now().Add(b.cfg.BrokerTimeout))
	_, err := io.ReadFull(ys, h[:])
	_ = ys.SetReadDeadline(time.Time{})
	switch {
	case err == yamux.ErrTimeout:
		return 0, statusAcceptTimeout, fmt.Errorf("mux: no stream header within %v: %w", b.cfg.BrokerTimeout, ErrAcceptTimeout)
	case err != nil:
		return 0, statusAccepted, fmt.Errorf("mux: read stream header: %w", err)
	}
	id, err := decodeHeader(h[:])
	if err != nil {
		return 0, statusBadHeader, err
	}
	return id, statusAccepted, nil
}

// route hands s to the Accept waiting for its id, or rejects it as a
// duplicate or because the broker is closing, or parks it and returns the
// parked entry for the caller to watch.
func (b *Broker) route(s *stream) *parkedStream {
	b.mu.Lock()
	var status byte
	switch {
	case b.closing:
		status = statusClosing
	case b.waiting[s.id] != nil:
		b.waiting[s.id] <- b.trackLocked(s)
		delete(b.waiting, s.id)
		b.mu.Unlock()
		return nil
	case b.listening[s.id] != nil:
		b.listening[s.id].enqueue(s)
		b.mu.Unlock()
		return nil
	case b.parked[s.id] != nil:
		status = statusDuplicate
	default:
		p := &parkedStream{s: s, taken: make(chan struct{})}
		b.parked[s.id] = p
		b.mu.Unlock()
		return p
	}
	b.mu.Unlock()
	b.cfg.Logger.Debug("mux: rejecting incoming stream", "id", s.id, "reason", rejectReason(status))
	b.reject(s.ys, status)
	return nil
}

// waitParked rejects a parked stream that no Accept takes within
// BrokerTimeout, and closes it if the broker closes first.
func (b *Broker) waitParked(id uint32, p *parkedStream) {
	timer := time.NewTimer(b.cfg.BrokerTimeout)
	defer timer.Stop()
	select {
	case <-p.taken:
		return
	case <-b.done:
		p.s.ys.Close()
		return
	case <-timer.C:
	}
	b.mu.Lock()
	mine := b.parked[id] == p
	if mine {
		delete(b.parked, id)
	}
	b.mu.Unlock()
	if mine {
		b.cfg.Logger.Debug("mux: rejecting unaccepted stream", "id", id, "after", b.cfg.BrokerTimeout)
		b.reject(p.s.ys, statusAcceptTimeout)
	}
}

// reject sends a rejection status, unless it is statusAccepted, and
// closes the stream.
func (b *Broker) reject(ys *yamux.Stream, status byte) {
	if status != statusAccepted {
		_, _ = ys.Write([]byte{status})
	}
	ys.Close()
}
