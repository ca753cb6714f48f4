package mux

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/yamux"
)

// These tests check how the broker uses hashicorp/yamux: the Config it
// passes, where yamux's logs go, and how yamux's errors reach callers.

func TestYamuxConfig(t *testing.T) {
	tests := []struct {
		name  string
		in    Config
		keep  bool          // want keepalive enabled
		open  time.Duration // want yamux's StreamOpenTimeout
		close time.Duration // want yamux's StreamCloseTimeout
	}{
		{"defaults", Config{}, true, DefaultStreamOpenTimeout, DefaultStreamCloseTimeout},
		{"keepalive off", Config{KeepAliveInterval: -1}, false, DefaultStreamOpenTimeout, DefaultStreamCloseTimeout},
		{"open and close timeouts off", Config{StreamOpenTimeout: -1, StreamCloseTimeout: -1}, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.in.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			yc := c.yamuxConfig(func() bool { return false })
			if err := yamux.VerifyConfig(yc); err != nil {
				t.Fatalf("yamux refuses the config of %+v: %v", tt.in, err)
			}
			if yc.EnableKeepAlive != tt.keep || yc.StreamOpenTimeout != tt.open || yc.StreamCloseTimeout != tt.close {
				t.Errorf("keepalive %v, open timeout %v, close timeout %v; want %v, %v, %v",
					yc.EnableKeepAlive, yc.StreamOpenTimeout, yc.StreamCloseTimeout, tt.keep, tt.open, tt.close)
			}
			if yc.LogOutput != nil || yc.Logger == nil {
				t.Error("yamux's logs are not routed to Config.Logger")
			}
			if yc.MaxStreamWindowSize != c.StreamWindow || yc.ConnectionWriteTimeout != c.ConnectionWriteTimeout ||
				yc.AcceptBacklog != c.AcceptBacklog {
				t.Errorf("window %d, write timeout %v, backlog %d not passed on", yc.MaxStreamWindowSize, yc.ConnectionWriteTimeout, yc.AcceptBacklog)
			}
		})
	}
}

func TestParseYamuxLine(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel slog.Level
		wantMsg   string
	}{
		{"[ERR] yamux: Failed to read header: boom", slog.LevelError, "yamux: Failed to read header: boom"},
		{"[WARN] yamux: frame for missing stream\n", slog.LevelWarn, "yamux: frame for missing stream"},
		{"no prefix", slog.LevelInfo, "no prefix"},
	}
	for _, tt := range tests {
		level, msg := parseYamuxLine(tt.line)
		if level != tt.wantLevel || msg != tt.wantMsg {
			t.Errorf("parseYamuxLine(%q) = %v, %q; want %v, %q", tt.line, level, msg, tt.wantLevel, tt.wantMsg)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawPeer starts a Server broker on one end of a TCP connection and
// returns it with the other end, for a test to write frames by hand.
func rawPeer(t *testing.T, cfg *Config) (*Broker, net.Conn) {
	t.Helper()
	peer, c := connPair(t, "tcp")
	b, err := Server(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, peer
}

// waitDone waits for b to end and returns its error.
func waitDone(t *testing.T, b *Broker) error {
	t.Helper()
	select {
	case <-b.Done():
		return b.Err()
	case <-time.After(10 * time.Second):
		t.Fatal("the broker did not end")
		return nil
	}
}

// TestProtocolError checks that a frame yamux refuses ends the broker with
// ErrProtocol, and that yamux's complaint reaches Config.Logger.
func TestProtocolError(t *testing.T) {
	var logs syncBuffer
	cfg := testConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	b, peer := rawPeer(t, cfg)
	bad := frame(typeData, 0, 1, 0)
	bad[0] = 1 // an unknown version
	if _, err := peer.Write(bad); err != nil {
		t.Fatal(err)
	}
	err := waitDone(t, b)
	wantErrIs(t, "Err after a bad frame", err, ErrClosed, ErrProtocol)
	got := logs.String()
	for _, want := range []string{"level=ERROR", "component=yamux", "Invalid protocol version"} {
		if !strings.Contains(got, want) {
			t.Errorf("log %q lacks %q", got, want)
		}
	}
}

// TestKeepAliveTimeout checks that a peer that never answers pings ends
// the broker with ErrKeepAliveTimeout.
func TestKeepAliveTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.KeepAliveInterval = 10 * time.Millisecond
	cfg.ConnectionWriteTimeout = 50 * time.Millisecond
	b, peer := rawPeer(t, cfg)
	go io.Copy(io.Discard, peer) // reads everything, answers nothing
	wantErrIs(t, "Err after unanswered pings", waitDone(t, b), ErrClosed, ErrKeepAliveTimeout)
}

// yamuxPeer starts a plain hashicorp/yamux session on the far end of a
// connection to a broker.
func yamuxPeer(t *testing.T, conn net.Conn, client bool, cfg *yamux.Config) *yamux.Session {
	t.Helper()
	if cfg == nil {
		cfg = yamux.DefaultConfig()
	}
	cfg.LogOutput = io.Discard
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

// TestPlainYamuxPeer checks that a peer speaking the broker's stream
// header over plain yamux reaches an Accept, and reads the status byte
// in front of the reply.
func TestPlainYamuxPeer(t *testing.T) {
	b, conn := rawPeer(t, testConfig())
	peer := yamuxPeer(t, conn, true, nil)
	ys, err := peer.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	h := encodeHeader(4)
	ys.Write(append(h[:], "ping"...))
	c := acceptConn(t, b, 4)
	if got := readN(t, c, 4); got != "ping" {
		t.Fatalf("Accept read %q, want %q", got, "ping")
	}
	io.WriteString(c, "pong")
	got := make([]byte, 5)
	if _, err := io.ReadFull(ys, got); err != nil || string(got) != "\x00pong" {
		t.Fatalf("peer read %q, %v; want the status byte and %q", got, err, "pong")
	}
}

// TestStreamReset checks that a stream the peer's yamux resets (its accept
// backlog is full) fails with ErrStreamReset, naming the id.
func TestStreamReset(t *testing.T) {
	host, conn := rawPeer(t, testConfig())
	cfg := yamux.DefaultConfig()
	cfg.AcceptBacklog = 1
	yamuxPeer(t, conn, false, cfg) // accepts nothing: the second open is reset
	dialAndWrite(t, host, 1, "first")
	second, err := host.Dial(testCtx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	// The reset may arrive before this Write or after it.
	if _, err := second.Write([]byte("second")); err != nil {
		wantErrIs(t, "Write to a reset stream", err, ErrStreamReset)
	}
	_, err = second.Read(make([]byte, 1))
	wantErrIs(t, "Read of a reset stream", err, ErrStreamReset)
	if err == nil || !strings.Contains(err.Error(), "stream 2") {
		t.Errorf("error %v does not name the id", err)
	}
	if host.Err() != nil {
		t.Errorf("a stream reset ended the session: %v", host.Err())
	}
}

// TestSessionLossIsAnError checks that a Read on a stream whose session
// was lost returns the bytes that arrived, then an error wrapping
// ErrClosed, never yamux's io.EOF.
func TestSessionLossIsAnError(t *testing.T) {
	b, conn := rawPeer(t, testConfig())
	peer := yamuxPeer(t, conn, true, nil)
	ys, err := peer.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	h := encodeHeader(1)
	ys.Write(append(h[:], "partial"...))
	c := acceptConn(t, b, 1)
	readN(t, c, 1) // the stream has arrived whole
	conn.Close()
	got, err := io.ReadAll(c)
	if string(got) != "artial" || errors.Is(err, io.EOF) || !errors.Is(err, ErrClosed) {
		t.Errorf("ReadAll = %q, %v; want %q, then an error wrapping ErrClosed", got, err, "artial")
	}
}

// TestBulkBothWays moves many windows' worth of bytes each way through one
// stream with the smallest window, so that yamux's flow control and the
// coalescing of large frames both take part.
func TestBulkBothWays(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		cfg := testConfig()
		cfg.StreamWindow = MinStreamWindow
		host, plugin := pairWith(t, network, cfg, cfg)
		payload := pattern(3 << 20)
		hc := dialAndWrite(t, host, 1, "")
		pc := acceptConn(t, plugin, 1)
		go func() { io.Copy(pc, pc) }() // echo
		werr := make(chan error, 1)
		go func() {
			_, err := hc.Write(payload)
			werr <- err
		}()
		got := make([]byte, len(payload))
		if _, err := io.ReadFull(hc, got); err != nil {
			t.Fatalf("reading the echo: %v", err)
		}
		if err := <-werr; err != nil {
			t.Fatalf("writing: %v", err)
		}
		if !bytes.Equal(got, payload) {
			t.Fatal("the echo differs from what was sent")
		}
	})
}
