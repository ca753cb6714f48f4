package mux

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/yamux"
)

// The session speaks yamux protocol version 0. These tests hold it to that
// by running it against hashicorp/yamux, in both roles.

// yamuxPeer starts a hashicorp/yamux session on conn, as the client if
// client is set; it is closed at cleanup.
func yamuxPeer(t *testing.T, conn net.Conn, client bool) *yamux.Session {
	t.Helper()
	cfg := yamux.DefaultConfig()
	cfg.LogOutput = io.Discard
	cfg.MaxStreamWindowSize = 1 << 20 // differs from ours, to exercise both windows
	cfg.EnableKeepAlive = false
	open := yamux.Server
	if client {
		open = yamux.Client
	}
	s, err := open(conn, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ourPeer starts our session on conn; it is closed at cleanup.
func ourPeer(t *testing.T, conn net.Conn, client bool, cfg *Config) *session {
	t.Helper()
	if cfg == nil {
		cfg = testConfig()
	}
	c, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(conn, c, client)
	t.Cleanup(s.close)
	return s
}

// randomBytes returns n random bytes.
func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// echoAll copies everything c receives back to it, then closes it.
func echoAll(c net.Conn) {
	io.Copy(c, c)
	c.Close()
}

// exchange writes payload on c from one goroutine while reading the echo
// on another, then half-closes and checks the echo and the peer's EOF.
// Far more than one window crosses in each direction.
func exchange(t *testing.T, c net.Conn, payload []byte) {
	t.Helper()
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(payload)
		werr <- err
	}()
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	if err := <-werr; err != nil {
		t.Fatalf("writing: %v", err)
	}
	if !bytes.Equal(got, payload) {
		t.Fatal("the echo differs from what was sent")
	}
}

func TestInteropOurClientYamuxServer(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		c1, c2 := connPair(t, network)
		ours := ourPeer(t, c1, true, nil)
		theirs := yamuxPeer(t, c2, false)
		payload := randomBytes(t, 3<<20)
		for i := 0; i < 3; i++ {
			st, err := ours.open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				ys, err := theirs.AcceptStream()
				if err == nil {
					echoAll(ys)
				}
			}()
			exchange(t, st, payload)
			st.Close()
		}
		waitFor(t, "streams to be forgotten on both sides", func() bool {
			return ours.numStreams() == 0 && theirs.NumStreams() == 0
		})
	})
}

func TestInteropYamuxClientOurServer(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		c1, c2 := connPair(t, network)
		theirs := yamuxPeer(t, c1, true)
		ours := ourPeer(t, c2, false, nil)
		go func() {
			for {
				st, err := ours.accept()
				if err != nil {
					return
				}
				go echoAll(st)
			}
		}()
		payload := randomBytes(t, 3<<20)
		for i := 0; i < 3; i++ {
			ys, err := theirs.OpenStream()
			if err != nil {
				t.Fatal(err)
			}
			exchange(t, ys, payload)
			// yamux's Close is a half close: our echo sees EOF, closes,
			// and yamux then reads EOF.
			ys.Close()
			if _, err := ys.Read(make([]byte, 1)); err != io.EOF {
				t.Fatalf("yamux Read after both closed: %v, want EOF", err)
			}
		}
		waitFor(t, "streams to be forgotten on both sides", func() bool {
			return ours.numStreams() == 0 && theirs.NumStreams() == 0
		})
	})
}

// TestInteropPing checks both keepalive directions: yamux's Ping gets our
// answer, and our keepalive is answered by yamux (the session survives
// several intervals whose answers are required within a short timeout).
func TestInteropPing(t *testing.T) {
	c1, c2 := connPair(t, "tcp")
	cfg := testConfig()
	cfg.KeepAliveInterval = 10 * time.Millisecond
	cfg.ConnectionWriteTimeout = 2 * time.Second
	ours := ourPeer(t, c1, true, cfg)
	theirs := yamuxPeer(t, c2, false)
	for i := 0; i < 3; i++ {
		if _, err := theirs.Ping(); err != nil {
			t.Fatalf("yamux Ping: %v", err)
		}
	}
	// Our keepalive sends a ping every 10ms; wait for several to be
	// answered by watching the ping counter.
	waitFor(t, "five keepalive pings", func() bool {
		ours.mu.Lock()
		defer ours.mu.Unlock()
		return ours.pingID >= 5
	})
	if ours.isDone() {
		t.Fatalf("session ended: %v", ours.err)
	}
}

// TestKeepAliveTimeout checks that a peer that never answers pings ends
// the session with ErrKeepAliveTimeout.
func TestKeepAliveTimeout(t *testing.T) {
	c1, c2 := connPair(t, "tcp")
	go io.Copy(io.Discard, c2) // reads everything, answers nothing
	cfg := testConfig()
	cfg.KeepAliveInterval = 10 * time.Millisecond
	cfg.ConnectionWriteTimeout = 50 * time.Millisecond
	ours := ourPeer(t, c1, true, cfg)
	select {
	case <-ours.done:
	case <-time.After(10 * time.Second):
		t.Fatal("session still up after 10s without ping answers")
	}
	if !errors.Is(ours.err, ErrKeepAliveTimeout) {
		t.Errorf("session error %v, want ErrKeepAliveTimeout", ours.err)
	}
}

// TestInteropGoAway checks that after yamux's GoAway our side opens no
// more streams, with an error that says why.
func TestInteropGoAway(t *testing.T) {
	c1, c2 := connPair(t, "tcp")
	ours := ourPeer(t, c1, true, nil)
	theirs := yamuxPeer(t, c2, false)
	if err := theirs.GoAway(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the go-away to arrive", func() bool {
		ours.mu.Lock()
		defer ours.mu.Unlock()
		return ours.goneAway
	})
	if _, err := ours.open(context.Background()); err == nil {
		t.Fatal("open after the peer's go-away succeeded")
	}
}

// TestInteropResetAfterClose checks that a yamux writer learns that our
// side closed its stream: the first bytes it sends afterwards make us
// reset the stream, and its next Write fails.
func TestInteropResetAfterClose(t *testing.T) {
	c1, c2 := connPair(t, "tcp")
	theirs := yamuxPeer(t, c1, true)
	ours := ourPeer(t, c2, false, nil)
	ys, err := theirs.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ys.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	st, err := ours.accept()
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// The first bytes after our Close make us reset the stream ...
	if _, err := ys.Write([]byte("more")); err != nil {
		t.Fatalf("first yamux Write after our Close: %v", err)
	}
	waitFor(t, "our side to reset and forget the stream", func() bool { return ours.numStreams() == 0 })
	// ... and once the RST has arrived, yamux's Writes fail.
	waitFor(t, "yamux to see the reset", func() bool {
		_, err = ys.Write([]byte("x"))
		return err != nil
	})
	if !errors.Is(err, yamux.ErrConnectionReset) {
		t.Fatalf("yamux Write after the reset: %v, want ErrConnectionReset", err)
	}
}
