package mux

import (
	"context"
	"fmt"
	"time"
)

// Stats is a snapshot of a Broker's connection.
type Stats struct {
	Streams      int   // open streams, both directions (NumStreams)
	BytesRead    int64 // bytes read from the connection, yamux framing included
	BytesWritten int64 // bytes written to it, likewise
}

// Stats returns a snapshot of b's connection. It does not block.
func (b *Broker) Stats() Stats {
	return Stats{Streams: b.sess.NumStreams(), BytesRead: b.conn.read.Load(), BytesWritten: b.conn.written.Load()}
}

// Ping sends a yamux ping and returns the time until its answer came back:
// a round trip on the connection, through the peer's session but none of
// its streams. It blocks until the answer, ctx's end, or the session's end
// (yamux itself gives up after Config.ConnectionWriteTimeout, and then
// ends the session, as for a keepalive).
func (b *Broker) Ping(ctx context.Context) (time.Duration, error) {
	type result struct {
		rtt time.Duration
		err error
	}
	done := make(chan result, 1)
	b.mu.Lock() // closing is set under mu before Close waits for wg
	if b.closing {
		b.mu.Unlock()
		return 0, fmt.Errorf("mux: ping: %w", b.err)
	}
	b.wg.Add(1)
	b.mu.Unlock()
	go func() { // owned by b: Close waits for it, and ends it by closing the session
		defer b.wg.Done()
		start := time.Now() // yamux's own figure starts after the ping is written
		_, err := b.sess.Ping()
		done <- result{time.Since(start), err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return 0, fmt.Errorf("mux: ping: %w", b.sessionErr(r.err))
		}
		return r.rtt, nil
	case <-ctx.Done():
		return 0, fmt.Errorf("mux: ping: %w", ctx.Err())
	case <-b.done:
		return 0, fmt.Errorf("mux: ping: %w", b.err)
	}
}
