package objrpc

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for callTable.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestCallTable(t *testing.T) {
	bg := context.Background()
	check := func(t *testing.T, tab *callTable, live, tombs int) {
		t.Helper()
		if l, tb := tab.size(); l != live || tb != tombs {
			t.Errorf("size() = %d live, %d tombstones; want %d, %d", l, tb, live, tombs)
		}
	}
	t.Run("during", func(t *testing.T) {
		var tab callTable
		ctx, end := tab.begin(bg, CallState{ID: 1})
		check(t, &tab, 1, 0)
		tab.cancel(1)
		<-ctx.Done()
		if ctx.Err() != context.Canceled {
			t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
		end()
		check(t, &tab, 0, 0)
	})
	t.Run("before", func(t *testing.T) {
		var tab callTable
		tab.cancel(2)
		check(t, &tab, 0, 1)
		ctx, end := tab.begin(bg, CallState{ID: 2})
		defer end()
		if ctx.Err() != context.Canceled {
			t.Errorf("call begun after its Cancel: ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
		check(t, &tab, 1, 0)
	})
	t.Run("after", func(t *testing.T) {
		clock := &fakeClock{now: time.Unix(1000, 0)}
		tab := callTable{now: clock.Now}
		_, end := tab.begin(bg, CallState{ID: 3})
		end()
		tab.cancel(3) // late: the call is over
		check(t, &tab, 0, 1)
		clock.Advance(tombstoneTTL)
		_, end = tab.begin(bg, CallState{ID: 4})
		end()
		check(t, &tab, 0, 0)
	})
	t.Run("already cancelled", func(t *testing.T) {
		var tab callTable
		ctx, end := tab.begin(bg, CallState{ID: 5, Canceled: true})
		defer end()
		if ctx.Err() != context.Canceled {
			t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
	})
	t.Run("deadline", func(t *testing.T) {
		var tab callTable
		d := time.Now().Add(time.Hour)
		ctx, end := tab.begin(bg, CallState{ID: 6, Deadline: d.UnixNano()})
		defer end()
		if got, ok := ctx.Deadline(); !ok || !got.Equal(d) {
			t.Errorf("ctx.Deadline() = %v, %v; want %v", got, ok, d)
		}
	})
	t.Run("lifetime", func(t *testing.T) {
		var tab callTable
		life, endLife := context.WithCancel(bg)
		ctx, end := tab.begin(life, CallState{ID: 7})
		defer end()
		endLife()
		<-ctx.Done()
	})
	t.Run("bounded", func(t *testing.T) {
		var tab callTable
		for id := range uint64(3 * maxTombstones) {
			tab.cancel(100 + id)
		}
		check(t, &tab, 0, maxTombstones)
		if n := len(tab.order); n > 2*maxTombstones {
			t.Errorf("tombstone order holds %d ids, want at most %d", n, 2*maxTombstones)
		}
	})
}
