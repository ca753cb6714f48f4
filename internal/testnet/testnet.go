// Package testnet gives tests the two ends of a connection over the
// transports muxplug runs on: an in-memory net.Pipe and loopback TCP and
// unix sockets.
package testnet

import (
	"net"
	"path/filepath"
	"testing"
)

// Pair returns the two ends of a connection over network ("pipe", "tcp" on
// 127.0.0.1 or "unix" in a test directory); both are closed at cleanup.
func Pair(t testing.TB, network string) (net.Conn, net.Conn) {
	t.Helper()
	if network == "pipe" {
		c1, c2 := net.Pipe()
		t.Cleanup(func() { c1.Close(); c2.Close() })
		return c1, c2
	}
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(t.TempDir(), "s")
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("listen %s: %v", network, err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	c1, err := net.Dial(network, l.Addr().String())
	if err != nil {
		t.Fatalf("dial %s: %v", network, err)
	}
	c2 := <-accepted
	if c2 == nil {
		c1.Close()
		t.Fatalf("accept %s failed", network)
	}
	t.Cleanup(func() { c1.Close(); c2.Close() })
	return c1, c2
}
