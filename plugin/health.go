package plugin

import (
	"context"
	"fmt"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// Ping makes a round trip on the connection to the plugin (a yamux ping,
// answered by the plugin's session without running any of its code) and
// returns how long it took, from the call to the answer. It does not start the client: before Start it
// fails with ErrNotStarted.
//
// Ping blocks until the answer comes, ctx ends, or the session ends; a
// plugin that does not answer within the mux ConnectionWriteTimeout ends
// the session, as a missed keepalive does. It is safe for concurrent use.
func (c *Client) Ping(ctx context.Context) (time.Duration, error) {
	select {
	case <-c.killed:
		return 0, fmt.Errorf("plugin: ping %s: %w", c.name(), ErrKilled)
	default:
	}
	c.mu.Lock()
	b := c.broker
	c.mu.Unlock()
	if b == nil {
		return 0, fmt.Errorf("plugin: ping %s: %w", c.name(), ErrNotStarted)
	}
	if err := c.alive(); err != nil {
		return 0, fmt.Errorf("plugin: ping: %w", err)
	}
	// Timed here: yamux starts its own clock only once the ping has been
	// written, which leaves out the send and can miss most of the trip.
	start := time.Now()
	if _, err := b.Ping(ctx); err != nil {
		return 0, fmt.Errorf("plugin: ping %s: %w", c.name(), c.wrapTransport(err))
	}
	return time.Since(start), nil
}

// unresponsive wraps err, a failure caused by a missed keepalive, with
// ErrUnresponsive and what it means.
func (c *Client) unresponsive(err error) error {
	wait := c.cfg.Mux.ConnectionWriteTimeout
	if wait == 0 {
		wait = mux.DefaultConnectionWriteTimeout
	}
	return fmt.Errorf("%w: %s (pid %d) did not answer a ping within %v, so it is hung or stopped; "+
		"the session is closed: %w", ErrUnresponsive, c.cfg.Name, c.pid(), wait, err)
}

// name is the client's name, for errors, even with an invalid config.
func (c *Client) name() string {
	if c.cfg == nil {
		return "plugin"
	}
	return c.cfg.Name
}

// pid returns the plugin's process id, or 0 before it is known.
func (c *Client) pid() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.proc != nil:
		return c.proc.cmd.Process.Pid
	case c.reattached():
		return c.cfg.Reattach.Pid
	}
	return 0
}
