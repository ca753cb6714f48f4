package mux

import (
	"context"
	"fmt"
	"net"
)

// Listener takes the incoming streams of a changing set of ids, for as
// long as each id stays in the set: a stream dialed to an id added to a
// Listener waits for Listener.Accept without Config.BrokerTimeout. It lets
// one goroutine serve every object a side hands out, so that an object the
// peer has not dialed yet costs no goroutine and no timer.
//
// A Listener is safe for concurrent use. It lives until Close or the end
// of its Broker.
type Listener struct {
	b     *Broker
	ready chan struct{} // capacity 1: the queue may be non-empty
	done  chan struct{} // closed by Close

	// Guarded by b.mu:
	queue  []*stream
	closed bool
}

// Listen returns a new Listener with no ids. It does not block.
func (b *Broker) Listen() *Listener {
	return &Listener{b: b, ready: make(chan struct{}, 1), done: make(chan struct{})}
}

// Add makes the streams the peer dials to id go to l. A stream for id that
// was already waiting for an Accept is handed to l at once. Add fails with
// ErrDuplicateID if an Accept or a Listener already waits for id, and with
// the broker's error once it is done. It does not block.
func (l *Listener) Add(id uint32) error {
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closing:
		return fmt.Errorf("mux: listen for stream %d: %w", id, b.err)
	case l.closed:
		return fmt.Errorf("mux: listen for stream %d: listener: %w", id, ErrClosed)
	case b.waiting[id] != nil || b.listening[id] != nil:
		return fmt.Errorf("mux: listen for stream %d: %w", id, ErrDuplicateID)
	}
	b.listening[id] = l
	if p := b.parked[id]; p != nil {
		delete(b.parked, id)
		close(p.taken)
		l.enqueue(p.s)
	}
	return nil
}

// Remove takes id out of l's set: later streams for id are handled as for
// any id nobody waits for. A stream for id already queued in l stays there
// for Accept. It does not block.
func (l *Listener) Remove(id uint32) {
	b := l.b
	b.mu.Lock()
	if b.listening[id] == l {
		delete(b.listening, id)
	}
	b.mu.Unlock()
}

// enqueue queues s for Accept; b.mu is held.
func (l *Listener) enqueue(s *stream) {
	l.queue = append(l.queue, l.b.trackLocked(s))
	select {
	case l.ready <- struct{}{}:
	default:
	}
}

// Accept waits for a stream dialed to one of l's ids and returns the id and
// the stream, which the caller owns and must close. It blocks until such a
// stream's first bytes (or its close) arrive, ctx ends, l is closed
// (ErrClosed) or the broker is done (its error).
func (l *Listener) Accept(ctx context.Context) (uint32, net.Conn, error) {
	for {
		s, err := l.next()
		if s != nil || err != nil {
			if s == nil {
				return 0, nil, err
			}
			return s.id, s, nil
		}
		select {
		case <-l.ready:
		case <-l.done:
		case <-l.b.done:
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("mux: listener accept: %w", ctx.Err())
		}
	}
}

// next pops a queued stream, or reports why there will be none.
func (l *Listener) next() (*stream, error) {
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closing:
		return nil, fmt.Errorf("mux: listener accept: %w", b.err)
	case l.closed:
		return nil, fmt.Errorf("mux: listener accept: %w", ErrClosed)
	case len(l.queue) == 0:
		return nil, nil
	}
	s := l.queue[0]
	l.queue[0] = nil
	l.queue = l.queue[1:]
	return s, nil
}

// Close removes every id of l, closes the streams still queued, and makes
// Accept fail with ErrClosed. It is idempotent and returns nil.
func (l *Listener) Close() error {
	b := l.b
	b.mu.Lock()
	if l.closed {
		b.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.done)
	for id, owner := range b.listening {
		if owner == l {
			delete(b.listening, id)
		}
	}
	queued := l.queue
	l.queue = nil
	b.mu.Unlock()
	for _, s := range queued {
		s.Close()
	}
	return nil
}
