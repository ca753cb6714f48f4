package objrpc

import (
	"context"
	"sync"
	"time"
)

// Tombstones: a Cancel that names a call the server is not running (yet)
// is remembered, so that the call, if its request is still on its way to
// its handler, starts cancelled. A tombstone for a call that had already
// finished is never used; it is forgotten after tombstoneTTL, and at most
// maxTombstones are kept (the oldest go first).
const (
	tombstoneTTL  = time.Minute
	maxTombstones = 1024
)

// newCallState returns the cancellation state of a call made with ctx,
// under the connection's next call id.
func (c *Conn) newCallState(ctx context.Context) CallState {
	cs := CallState{ID: c.callIDs.Add(1)}
	if d, ok := ctx.Deadline(); ok {
		cs.Deadline = max(d.UnixNano(), 1)
	}
	cs.Canceled = ctx.Err() == context.Canceled
	return cs
}

// forwardCancel arranges for the end of ctx to cancel the call cs on the
// peer, by sending svc.Cancel on cl, until the returned stop is called. A
// ctx that ends by its deadline sends nothing: the deadline travelled with
// the call, and the callee's own timer ends its context with
// context.DeadlineExceeded. The Cancel is sent without waiting for its
// reply; the caller still waiting for its call's reply reads it.
func forwardCancel(ctx context.Context, cl *client, svc string, cs CallState) (stop func() bool) {
	if cs.Canceled || ctx.Done() == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, func() {
		if ctx.Err() != context.Canceled {
			return
		}
		_, _ = cl.send(svc+".Cancel", &cancelArgs{ID: cs.ID}, new(Empty))
	})
}

// callTable is the served side's registry of running cancellable calls,
// by call id, and of tombstones. Call ids are unique per connection, so
// one table serves every object of a Conn. It is safe for concurrent use;
// the zero value is ready.
type callTable struct {
	now func() time.Time // nil: time.Now; set by tests

	mu    sync.Mutex // guards the fields below
	live  map[uint64]context.CancelFunc
	tombs map[uint64]time.Time // when the Cancel arrived
	order []uint64             // tombstone ids, oldest first; may hold stale ids
}

// begin starts the call cs within parent and returns its context and the
// function that ends it, which the caller must call once the call is
// over. The context carries cs's deadline and ends when the caller
// cancels the call (even if the Cancel arrived first) or parent ends.
func (t *callTable) begin(parent context.Context, cs CallState) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	stopDeadline := context.CancelFunc(func() {})
	if cs.Deadline != 0 {
		ctx, stopDeadline = context.WithDeadline(ctx, time.Unix(0, cs.Deadline))
	}
	t.mu.Lock()
	t.prune()
	_, tomb := t.tombs[cs.ID]
	delete(t.tombs, cs.ID)
	_, dup := t.live[cs.ID]
	if !dup {
		if t.live == nil {
			t.live = make(map[uint64]context.CancelFunc)
		}
		t.live[cs.ID] = cancel
	}
	t.mu.Unlock()
	if tomb || cs.Canceled {
		cancel()
	}
	return ctx, func() {
		if !dup {
			t.mu.Lock()
			delete(t.live, cs.ID)
			t.mu.Unlock()
		}
		cancel()
		stopDeadline()
	}
}

// cancel ends the call id, or leaves a tombstone if it is not running.
func (t *callTable) cancel(id uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if cancel, ok := t.live[id]; ok {
		cancel()
		return
	}
	t.prune()
	if len(t.tombs) >= maxTombstones {
		t.evictOldest()
	}
	if t.tombs == nil {
		t.tombs = make(map[uint64]time.Time)
	}
	t.tombs[id] = t.clock()
	t.order = append(t.order, id)
	if len(t.order) > 2*maxTombstones {
		t.compact()
	}
}

// compact drops from order the ids whose tombstones are gone (used by a
// call that began), so that order stays bounded. t.mu is held.
func (t *callTable) compact() {
	kept := t.order[:0]
	for _, id := range t.order {
		if _, ok := t.tombs[id]; ok {
			kept = append(kept, id)
		}
	}
	t.order = kept
}

// prune forgets expired tombstones. t.mu is held.
func (t *callTable) prune() {
	now := t.clock()
	i := 0
	for ; i < len(t.order); i++ {
		at, ok := t.tombs[t.order[i]]
		if ok && now.Sub(at) < tombstoneTTL {
			break
		}
		delete(t.tombs, t.order[i])
	}
	t.order = t.order[i:]
	if len(t.order) == 0 {
		t.order = nil
	}
}

// evictOldest forgets the oldest tombstone still kept. t.mu is held.
func (t *callTable) evictOldest() {
	for len(t.order) > 0 {
		id := t.order[0]
		t.order = t.order[1:]
		if _, ok := t.tombs[id]; ok {
			delete(t.tombs, id)
			return
		}
	}
}

func (t *callTable) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

// size returns how many calls are running and how many tombstones are
// kept; for tests.
func (t *callTable) size() (live, tombs int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.live), len(t.tombs)
}
