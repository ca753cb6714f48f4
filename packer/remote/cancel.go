package remote

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muxplug/muxplug/packer/remote/internal/wire"
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

// callIDs numbers long calls. Ids are unique in this process, so a server
// never confuses calls of different clients from the same peer.
var callIDs atomic.Uint64

// newCall returns the cancellation state a long call made with ctx carries.
func newCall(ctx context.Context) wire.Call {
	c := wire.Call{ID: callIDs.Add(1)}
	if d, ok := ctx.Deadline(); ok {
		c.Deadline = max(d.UnixNano(), 1)
	}
	c.Canceled = ctx.Err() == context.Canceled
	return c
}

// forwardCancel arranges for the end of ctx to cancel the call id on the
// peer, by sending svc.Cancel on c, until the returned stop is called. A
// ctx that ends by its deadline sends nothing: the deadline travelled with
// the call, and the callee's own timer ends its context with
// context.DeadlineExceeded. The Cancel is sent without waiting for its
// reply.
func forwardCancel(ctx context.Context, c rpcConn, svc string, call wire.Call) (stop func() bool) {
	if call.Canceled || ctx.Done() == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, func() {
		if ctx.Err() != context.Canceled {
			return
		}
		c.start(svc+".Cancel", &wire.CancelArgs{ID: call.ID}, new(wire.Empty))
	})
}

// callTable is a served object's registry of running long calls, by call
// id, and of tombstones. It is safe for concurrent use; the zero value is
// ready.
type callTable struct {
	now func() time.Time // nil: time.Now; set by tests

	mu    sync.Mutex // guards the fields below
	live  map[uint64]context.CancelFunc
	tombs map[uint64]time.Time // when the Cancel arrived
	order []uint64             // tombstone ids, oldest first; may hold stale ids
}

// begin starts the call c and returns its context and the function that
// ends it, which the caller must call once the call is over. The context
// carries c's deadline and ends when the caller cancels the call (even if
// the Cancel arrived first), when st's lifetime ends, or when the session
// does.
func (t *callTable) begin(c wire.Call, st site) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	stopDeadline := context.CancelFunc(func() {})
	if c.Deadline != 0 {
		ctx, stopDeadline = context.WithDeadline(ctx, time.Unix(0, c.Deadline))
	}
	t.mu.Lock()
	t.prune()
	_, tomb := t.tombs[c.ID]
	delete(t.tombs, c.ID)
	_, dup := t.live[c.ID]
	if !dup {
		if t.live == nil {
			t.live = make(map[uint64]context.CancelFunc)
		}
		t.live[c.ID] = cancel
	}
	t.mu.Unlock()
	if tomb || c.Canceled {
		cancel()
	}
	go watchLife(ctx, cancel, st)
	return ctx, func() {
		if !dup {
			t.mu.Lock()
			delete(t.live, c.ID)
			t.mu.Unlock()
		}
		cancel()
		stopDeadline()
	}
}

// watchLife cancels a call's context when the lifetime of the object
// serving it, or the session, ends first. It returns when ctx ends.
func watchLife(ctx context.Context, cancel context.CancelFunc, st site) {
	select {
	case <-ctx.Done():
	case <-st.life:
		cancel()
	case <-st.b.Done():
		cancel()
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

// prune forgets expired tombstones and compacts order. t.mu is held.
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
