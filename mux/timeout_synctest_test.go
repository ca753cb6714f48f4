//go:build go1.25

// go.mod says go 1.22, which keeps the pre-1.23 asynchronous timer
// channels that testing/synctest refuses; the test binary opts out.
//go:debug asynctimerchan=0

package mux

import (
	"context"
	"net"
	"testing"
	"testing/synctest"
	"time"
)

// TestAcceptTimeoutSynctest checks the default BrokerTimeout on a fake
// clock. It is limited to a session with no stream traffic: yamux keeps
// send timers in a package-level sync.Pool, and a timer created inside a
// bubble and reused outside it crashes the runtime, so tests that open
// streams use short configured timeouts instead.
func TestAcceptTimeoutSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c1, c2 := net.Pipe()
		cfg := &Config{KeepAliveInterval: -1, Logger: discardLogger}
		host, plugin := brokersOver(t, c1, c2, cfg, cfg)
		defer host.Close()
		defer plugin.Close()

		start := time.Now()
		_, err := plugin.Accept(context.Background(), 8)
		wantErrIs(t, "Accept nobody dials", err, ErrAcceptTimeout)
		if d := time.Since(start); d != DefaultBrokerTimeout {
			t.Errorf("Accept gave up after %v, want exactly %v", d, DefaultBrokerTimeout)
		}

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start = time.Now()
		_, err = plugin.Accept(ctx, 8)
		wantErrIs(t, "Accept with an earlier ctx deadline", err, context.DeadlineExceeded)
		if d := time.Since(start); d != time.Second {
			t.Errorf("Accept gave up after %v, want the ctx's 1s", d)
		}
	})
}
