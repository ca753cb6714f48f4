package mux

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// discardPeer returns a connection whose far end reads and discards
// everything, so that nothing the broker sends is ever answered.
func discardPeer(t *testing.T) net.Conn {
	t.Helper()
	c1, c2 := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(io.Discard, c2)
	}()
	t.Cleanup(func() { c1.Close(); c2.Close(); <-done })
	return c1
}

// TestDialNoRoundTrip checks that Dial returns without the peer's
// acknowledgement: yamux v0.1.2's OpenStream only queues the SYN.
func TestDialNoRoundTrip(t *testing.T) {
	b, err := Client(discardPeer(t), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c, err := b.Dial(testCtx(t), 0)
	if err != nil {
		t.Fatalf("Dial to a peer that never answers: %v", err)
	}
	if _, err := io.WriteString(c, "request"); err != nil {
		t.Fatalf("first Write to a peer that never answers: %v", err)
	}
	c.Close()
}

func TestCloseWhilePending(t *testing.T) {
	cfg := testConfig()
	cfg.AcceptBacklog = 1 // the second Dial waits for the first one's ACK
	b, err := Client(discardPeer(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Dial(testCtx(t), 1); err != nil {
		t.Fatalf("first Dial: %v", err)
	}
	errs := make(chan error, 2)
	go func() {
		_, err := b.Dial(context.Background(), 2)
		errs <- err
	}()
	go func() {
		_, err := b.Accept(context.Background(), 3)
		errs <- err
	}()
	waitFor(t, "Accept to register", func() bool { return numWaiting(b) == 1 })
	start := time.Now()
	b.Close()
	for range 2 {
		select {
		case err := <-errs:
			wantErrIs(t, "pending call after Close", err, ErrClosed)
		case <-time.After(5 * time.Second):
			t.Fatal("pending Accept or Dial did not return after Close")
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("pending calls took %v to return", d)
	}
}

func TestCloseIdempotent(t *testing.T) {
	host, plugin := pair(t, "pipe")
	if host.Err() != nil {
		t.Fatalf("Err before Close = %v, want nil", host.Err())
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); host.Close() }()
	}
	wg.Wait()
	if err := host.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	select {
	case <-host.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	if err := host.Err(); err != ErrClosed {
		t.Errorf("Err after Close = %v, want ErrClosed", err)
	}
	_, err := host.Dial(context.Background(), 0)
	wantErrIs(t, "Dial after Close", err, ErrClosed)
	_, err = host.Accept(context.Background(), 1)
	wantErrIs(t, "Accept after Close", err, ErrClosed)
	select {
	case <-plugin.Done():
		wantErrIs(t, "peer's Err", plugin.Err(), ErrClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("peer did not notice Close")
	}
}

// TestPeerLoss checks that losing the peer, by any route, ends the broker
// and fails everything in flight promptly.
func TestPeerLoss(t *testing.T) {
	tests := []struct {
		name string
		kill func(plugin *Broker, pluginConn net.Conn)
	}{
		{"raw conn closed under peer", func(_ *Broker, c net.Conn) { c.Close() }},
		{"peer broker closed", func(b *Broker, _ net.Conn) { b.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachNetwork(t, func(t *testing.T, network string) { testPeerLoss(t, network, tt.kill) })
		})
	}
}

// testPeerLoss kills the plugin side in the middle of a bulk transfer
// from the host while the host also has a reader and an Accept pending.
func testPeerLoss(t *testing.T, network string, kill func(*Broker, net.Conn)) {
	c1, c2 := connPair(t, network)
	host, plugin := brokersOver(t, c1, c2, testConfig(), testConfig())

	writer := dialAndWrite(t, host, 1, "start")
	acceptConn(t, plugin, 1) // accepted but never read: the window fills
	reader := dialAndWrite(t, host, 2, "")
	acceptConn(t, plugin, 2)

	errs := make(chan error, 3)
	go func() { errs <- writeForever(writer) }()
	go func() { _, err := reader.Read(make([]byte, 1)); errs <- errOrEOF(err) }()
	go func() { _, err := host.Accept(context.Background(), 9); errs <- err }()
	waitFor(t, "Accept to register", func() bool { return numWaiting(host) == 1 })

	kill(plugin, c2)
	select {
	case <-host.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("host.Done not closed after the peer was lost")
	}
	wantErrIs(t, "host.Err", host.Err(), ErrClosed)
	if errors.Is(host.Err(), io.EOF) {
		t.Errorf("host.Err() = %v wraps io.EOF, a clean end of stream", host.Err())
	}
	t.Logf("host.Err() = %v", host.Err())
	for range 3 {
		select {
		case err := <-errs:
			if err == nil {
				t.Error("an operation in flight succeeded after the peer was lost")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("an operation in flight hung after the peer was lost")
		}
	}
	_, err := writer.Write([]byte("more"))
	wantErrIs(t, "Write after peer loss", err, ErrClosed)
}

// writeForever writes 1 MiB chunks until an error.
func writeForever(c net.Conn) error {
	buf := make([]byte, 1<<20)
	for {
		if _, err := c.Write(buf); err != nil {
			return err
		}
	}
}

// errOrEOF maps a nil error to io.EOF so that a successful read counts as
// a failure to report.
func errOrEOF(err error) error {
	if err == nil {
		return errors.New("read succeeded")
	}
	return err
}

// TestPeerLossManyIdleReaders checks that losing the peer fails the Reads
// of many idle streams, as a plugin serving hundreds of idle objects has,
// with the broker's error (the broker wakes them itself; see Broker.end).
func TestPeerLossManyIdleReaders(t *testing.T) {
	c1, c2 := connPair(t, "unix")
	host, plugin := brokersOver(t, c1, c2, testConfig(), testConfig())
	const n = 300
	errs := make(chan error, n)
	for i := uint32(1); i <= n; i++ {
		dialAndWrite(t, host, i, "x")
		c := acceptConn(t, plugin, i)
		readN(t, c, 1)
		go func() { _, err := c.Read(make([]byte, 1)); errs <- err }()
	}
	c1.Close()
	for range n {
		select {
		case err := <-errs:
			wantErrIs(t, "idle Read after peer loss", err, ErrClosed)
		case <-time.After(10 * time.Second):
			t.Fatal("an idle Read hung after the peer was lost")
		}
	}
}
