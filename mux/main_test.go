package mux

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/internal/testnet"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// networks are the transports every transport test runs over.
var networks = []string{"pipe", "tcp", "unix"}

// forEachNetwork runs f as a subtest per transport.
func forEachNetwork(t *testing.T, f func(t *testing.T, network string)) {
	t.Helper()
	for _, network := range networks {
		t.Run(network, func(t *testing.T) { f(t, network) })
	}
}

// discardLogger swallows log lines; tests that check logging use their own.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// testConfig is the Config of test brokers: quiet, and with a broker
// timeout long enough never to fire in a test that does not wait for it.
func testConfig() *Config {
	return &Config{BrokerTimeout: 10 * time.Second, Logger: discardLogger}
}

// shortTimeout is the BrokerTimeout of tests that wait for it to fire.
const shortTimeout = 100 * time.Millisecond

// shortConfig is testConfig with a BrokerTimeout of shortTimeout.
func shortConfig() *Config {
	cfg := testConfig()
	cfg.BrokerTimeout = shortTimeout
	return cfg
}

// connPair returns the two ends of a connection over network; both are
// closed at cleanup.
func connPair(t testing.TB, network string) (net.Conn, net.Conn) {
	t.Helper()
	return testnet.Pair(t, network)
}

// pair returns a host (client) and plugin (server) broker connected over
// network with testConfig; both are closed at cleanup.
func pair(t testing.TB, network string) (client, server *Broker) {
	t.Helper()
	return pairWith(t, network, testConfig(), testConfig())
}

// pairWith is pair with explicit configs for each side.
func pairWith(t testing.TB, network string, ccfg, scfg *Config) (client, server *Broker) {
	t.Helper()
	c1, c2 := connPair(t, network)
	return brokersOver(t, c1, c2, ccfg, scfg)
}

// brokersOver starts a client broker on c1 and a server broker on c2.
func brokersOver(t testing.TB, c1, c2 net.Conn, ccfg, scfg *Config) (client, server *Broker) {
	t.Helper()
	client, err := Client(c1, ccfg)
	if err != nil {
		t.Fatalf("Client: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = Server(c2, scfg)
	if err != nil {
		t.Fatalf("Server: %v", err)
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}

// testCtx returns a context that ends with the test or after 10 seconds.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dialAndWrite dials id on b and writes msg.
func dialAndWrite(t testing.TB, b *Broker, id uint32, msg string) net.Conn {
	t.Helper()
	c, err := b.Dial(testCtx(t), id)
	if err != nil {
		t.Fatalf("Dial(%d): %v", id, err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatalf("Write on stream %d: %v", id, err)
	}
	return c
}

// acceptConn accepts id on b, failing the test on error.
func acceptConn(t testing.TB, b *Broker, id uint32) net.Conn {
	t.Helper()
	c, err := b.Accept(testCtx(t), id)
	if err != nil {
		t.Fatalf("Accept(%d): %v", id, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readN reads exactly n bytes from c.
func readN(t testing.TB, c net.Conn, n int) string {
	t.Helper()
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return string(buf)
}

// wantErrIs fails unless err wraps every target.
func wantErrIs(t testing.TB, what string, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("%s: error %v does not wrap %v", what, err, target)
		}
	}
}

// waitFor polls cond until it holds, failing the test after 5 seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// numParked and numWaiting peek at the broker's tables.
func numParked(b *Broker) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.parked)
}

func numWaiting(b *Broker) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiting)
}

// numTracked is how many streams b would wake at its end.
func numTracked(b *Broker) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.streams)
}
