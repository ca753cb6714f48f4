package mux

import (
	"errors"
	"testing"
)

func TestPingAndStats(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		rtt, err := host.Ping(testCtx(t))
		if err != nil || rtt <= 0 {
			t.Fatalf("Ping = %v, %v", rtt, err)
		}
		c := dialAndWrite(t, host, 0, "hello")
		readN(t, acceptConn(t, plugin, 0), 5)
		hs, ps := host.Stats(), plugin.Stats()
		if hs.Streams != 1 || ps.Streams != 1 {
			t.Errorf("streams: host %d, plugin %d; want 1 each", hs.Streams, ps.Streams)
		}
		// "hello" and the 5-byte stream header, in yamux frames.
		if hs.BytesWritten < 10 || ps.BytesRead < 10 || hs.BytesRead == 0 {
			t.Errorf("bytes: host wrote %d read %d, plugin read %d", hs.BytesWritten, hs.BytesRead, ps.BytesRead)
		}
		c.Close()
		plugin.Close()
		if _, err := plugin.Ping(testCtx(t)); !errors.Is(err, ErrClosed) {
			t.Errorf("Ping on a closed broker = %v, want ErrClosed", err)
		}
	})
}
