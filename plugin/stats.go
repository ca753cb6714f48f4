package plugin

import "time"

// Stats is a snapshot of a Client's session, seen from the host.
type Stats struct {
	Pid        int       // the plugin's process id (for a reattached client, the one its reattach line gave)
	Started    time.Time // when the process was started, or the client attached
	Reattached bool      // the client connected to a running plugin (ClientConfig.Reattach)

	Streams      int   // streams open on the connection, both directions
	Calls        int   // calls the host is making to the plugin now
	Callbacks    int   // calls the plugin is making to the host now (a Ui.Say during a Run, say)
	Objects      int   // objects the host serves the plugin now (Ui, Hook, Communicator, ... of calls in flight)
	BytesRead    int64 // bytes the host has read from the connection, framing included
	BytesWritten int64 // bytes it has written to it
}

// Stats returns a snapshot of the client's session: the zero Stats (with
// Pid and Started if known) before it started. It does not block on the
// plugin and is safe for concurrent use.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	b, rc, since := c.broker, c.conn, c.since
	c.mu.Unlock()
	st := Stats{Pid: c.pid(), Started: since, Reattached: c.reattached()}
	if b != nil {
		ms := b.Stats()
		st.Streams, st.BytesRead, st.BytesWritten = ms.Streams, ms.BytesRead, ms.BytesWritten
	}
	if rc != nil {
		os := rc.Stats()
		st.Calls, st.Callbacks, st.Objects = os.Outgoing, os.Calls, os.Objects
	}
	return st
}
