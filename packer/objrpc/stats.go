package objrpc

import (
	"fmt"
	"slices"
	"time"
)

// RunningCall describes a served call that has not returned.
type RunningCall struct {
	Method string    // "Service.Method"
	Start  time.Time // when it began
}

func (r RunningCall) String() string {
	return fmt.Sprintf("%s (for %v)", r.Method, time.Since(r.Start).Round(time.Millisecond))
}

// Running returns the served calls running now, oldest first.
func (c *Conn) Running() []RunningCall {
	c.runMu.Lock()
	out := make([]RunningCall, 0, len(c.running))
	for call := range c.running {
		out = append(out, RunningCall{Method: call.method, Start: call.start})
	}
	c.runMu.Unlock()
	sortRunning(out)
	return out
}

func sortRunning(rs []RunningCall) {
	slices.SortFunc(rs, func(a, b RunningCall) int { return a.Start.Compare(b.Start) })
}

// Stats is a snapshot of what a Conn holds.
type Stats struct {
	Objects    int // objects served now, besides the main object (byte streams included)
	Outgoing   int // calls this side is making now
	Calls      int // served calls running now
	Cancelable int // of those, cancellable calls the Cancel table holds
	Tombstones int // Cancels kept for calls that had not begun (see the package doc)

	OneWayFailed int64 // one-way calls the peer reported failed, since NewConn
	OneWayLost   int64 // one-way calls left unconfirmed by a broken stream, since NewConn
}

// Stats returns a snapshot of what c holds. It does not block on calls.
func (c *Conn) Stats() Stats {
	live, tombs := c.callee.size()
	c.runMu.Lock()
	calls := len(c.running)
	c.runMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	objects := len(c.objects)
	if c.objects[0] != nil {
		objects--
	}
	return Stats{Objects: objects, Outgoing: int(c.calling.Load()), Calls: calls, Cancelable: live,
		Tombstones: tombs, OneWayFailed: c.oneWayFails.Load(), OneWayLost: c.oneWayLost.Load()}
}
