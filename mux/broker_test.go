package mux

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMainServiceEcho(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		hc := dialAndWrite(t, host, 0, "ping")
		pc := acceptConn(t, plugin, 0)
		if got := readN(t, pc, 4); got != "ping" {
			t.Fatalf("plugin read %q, want %q", got, "ping")
		}
		if _, err := io.WriteString(pc, "pong"); err != nil {
			t.Fatalf("plugin write: %v", err)
		}
		if got := readN(t, hc, 4); got != "pong" {
			t.Fatalf("host read %q, want %q", got, "pong")
		}
	})
}

// TestNamespaces checks that each side's ids are its own: both sides serve
// an object under the same number and each reaches the other's.
func TestNamespaces(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		hid, pid := host.NextID(), plugin.NextID()
		if hid != pid {
			t.Fatalf("fresh brokers gave ids %d and %d; want equal ids to prove separate namespaces", hid, pid)
		}
		dialAndWrite(t, host, pid, "to plugin")
		dialAndWrite(t, plugin, hid, "to host")
		if got := readN(t, acceptConn(t, plugin, pid), 9); got != "to plugin" {
			t.Errorf("plugin's id %d got %q", pid, got)
		}
		if got := readN(t, acceptConn(t, host, hid), 7); got != "to host" {
			t.Errorf("host's id %d got %q", hid, got)
		}
	})
}

func TestNextID(t *testing.T) {
	b, _ := pair(t, "pipe")
	const goroutines, each = 8, 200
	ids := make(chan uint32, goroutines*each)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ids <- b.NextID()
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := make(map[uint32]bool)
	for id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("NextID returned %d (zero or repeated)", id)
		}
		seen[id] = true
	}
	b.next.Store(math.MaxUint32 - 1)
	if got := []uint32{b.NextID(), b.NextID()}; got[0] != math.MaxUint32 || got[1] != 1 {
		t.Errorf("NextID across the wrap = %v, want [%d 1] (never 0)", got, uint32(math.MaxUint32))
	}
}

// TestDialBeforeAccept checks that a stream arriving before its Accept is
// parked and handed to the Accept that comes later.
func TestDialBeforeAccept(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		id := plugin.NextID()
		hc := dialAndWrite(t, host, id, "early")
		waitFor(t, "stream to be parked", func() bool { return numParked(plugin) == 1 })
		pc := acceptConn(t, plugin, id)
		if got := readN(t, pc, 5); got != "early" {
			t.Fatalf("read %q, want %q", got, "early")
		}
		io.WriteString(pc, "ok")
		if got := readN(t, hc, 2); got != "ok" {
			t.Fatalf("dialer read %q, want %q", got, "ok")
		}
	})
}

func TestAcceptTimeout(t *testing.T) {
	tests := []struct {
		name    string
		broker  time.Duration // Config.BrokerTimeout
		ctxWait time.Duration // 0: no deadline on ctx
		want    error
	}{
		{"broker timeout", shortTimeout, 0, ErrAcceptTimeout},
		{"ctx deadline first", time.Minute, shortTimeout, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.BrokerTimeout = tt.broker
			_, plugin := pairWith(t, "pipe", cfg, cfg)
			ctx := context.Background()
			if tt.ctxWait > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxWait)
				defer cancel()
			}
			start := time.Now()
			c, err := plugin.Accept(ctx, 42)
			if err == nil {
				c.Close()
				t.Fatal("Accept(42) nobody dials succeeded")
			}
			wantErrIs(t, "Accept(42)", err, tt.want)
			if !strings.Contains(err.Error(), "42") {
				t.Errorf("Accept error %q does not name the id", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Accept took %v", d)
			}
			if n := numWaiting(plugin); n != 0 {
				t.Errorf("%d Accepts still registered after timeout", n)
			}
		})
	}
}

// TestDialNeverAccepted checks that a dial nobody accepts fails cleanly on
// the dialer's first Read, naming the id and the reason.
func TestDialNeverAccepted(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, _ := pairWith(t, network, shortConfig(), shortConfig())
		c := dialAndWrite(t, host, 77, "anyone?")
		start := time.Now()
		n, err := c.Read(make([]byte, 8))
		if n != 0 || err == nil {
			t.Fatalf("Read = %d, %v; want a rejection", n, err)
		}
		wantErrIs(t, "Read", err, ErrRejected, ErrAcceptTimeout)
		if !strings.Contains(err.Error(), "77") {
			t.Errorf("error %q does not name the id", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("rejection took %v", d)
		}
		if _, err2 := c.Read(make([]byte, 1)); !errors.Is(err2, ErrRejected) {
			t.Errorf("second Read = %v, want the rejection again", err2)
		}
		if _, err2 := c.Write([]byte("x")); !errors.Is(err2, ErrRejected) {
			t.Errorf("Write after rejection = %v, want the rejection", err2)
		}
	})
}

func TestDuplicateAccept(t *testing.T) {
	_, plugin := pair(t, "pipe")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := make(chan error, 1)
	go func() {
		_, err := plugin.Accept(ctx, 5)
		first <- err
	}()
	waitFor(t, "first Accept to register", func() bool { return numWaiting(plugin) == 1 })
	_, err := plugin.Accept(context.Background(), 5)
	wantErrIs(t, "second Accept(5)", err, ErrDuplicateID)
	cancel()
	wantErrIs(t, "first Accept(5)", <-first, context.Canceled)
}

// TestDuplicateIncoming checks that a second stream for an id that already
// has one parked is rejected, not dropped, and the first stays acceptable.
func TestDuplicateIncoming(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		dialAndWrite(t, host, 9, "one")
		waitFor(t, "first stream to be parked", func() bool { return numParked(plugin) == 1 })
		second := dialAndWrite(t, host, 9, "two")
		_, err := second.Read(make([]byte, 1))
		wantErrIs(t, "second stream's Read", err, ErrRejected, ErrDuplicateID)
		c := acceptConn(t, plugin, 9)
		if got := readN(t, c, 3); got != "one" {
			t.Errorf("accepted stream read %q, want %q", got, "one")
		}
		if n := numTracked(plugin); n != 1 {
			t.Errorf("%d streams tracked with one accepted, want 1 (rejected streams are not)", n)
		}
		c.Close()
		if n := numTracked(plugin); n != 0 {
			t.Errorf("%d streams tracked after the accepted one closed, want 0", n)
		}
	})
}

func TestEndWithoutWriting(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		// The dialer closes without writing: the header still goes out,
		// Accept succeeds and the acceptor reads EOF.
		c, err := host.Dial(testCtx(t), 1)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if n, err := acceptConn(t, plugin, 1).Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("acceptor Read after dialer closed = %d, %v; want 0, EOF", n, err)
		}
		// The acceptor closes without writing: the dialer reads plain EOF.
		hc := dialAndWrite(t, host, 2, "hi")
		acceptConn(t, plugin, 2).Close()
		if n, err := hc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("dialer Read after acceptor closed = %d, %v; want 0, EOF", n, err)
		}
	})
}

// TestZeroLengthWriteSendsHeader checks the way for a dialer to let the
// acceptor speak first.
func TestZeroLengthWriteSendsHeader(t *testing.T) {
	host, plugin := pair(t, "tcp")
	c := dialAndWrite(t, host, 3, "")
	io.WriteString(acceptConn(t, plugin, 3), "hello")
	if got := readN(t, c, 5); got != "hello" {
		t.Fatalf("dialer read %q, want %q", got, "hello")
	}
}

func TestBadHeaderRejected(t *testing.T) {
	host, _ := pair(t, "pipe")
	ys, err := host.sess.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	defer ys.Close()
	ys.Write([]byte{9, 0, 0, 0, 1})
	status := make([]byte, 1)
	if _, err := io.ReadFull(ys, status); err != nil {
		t.Fatalf("reading status: %v", err)
	}
	if status[0] != statusBadHeader {
		t.Errorf("status = %d, want %d (bad header)", status[0], statusBadHeader)
	}
}

func TestStreamCloseUnblocksRead(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		hc := dialAndWrite(t, host, 1, "x")
		pc := acceptConn(t, plugin, 1)
		readErr := make(chan error, 1)
		go func() {
			_, err := pc.Read(make([]byte, 8)) // gets "x"
			if err == nil {
				_, err = pc.Read(make([]byte, 8)) // blocks
			}
			readErr <- err
		}()
		_ = hc
		pc.Close()
		select {
		case err := <-readErr:
			wantErrIs(t, "blocked Read after Close", err, net.ErrClosed)
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not unblock Read")
		}
	})
}

func TestReadDeadline(t *testing.T) {
	host, plugin := pair(t, "pipe")
	hc := dialAndWrite(t, host, 1, "x")
	acceptConn(t, plugin, 1)
	hc.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, err := hc.Read(make([]byte, 1))
	wantErrIs(t, "Read past deadline", err, os.ErrDeadlineExceeded)
}

func TestConcurrentStreams(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		const n = 64
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			id := plugin.NextID()
			wg.Add(2)
			go func() { defer wg.Done(); errs <- echoServe(plugin, id) }()
			go func() { defer wg.Done(); errs <- echoCall(host, id, fmt.Sprintf("msg-%d", i)) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		waitFor(t, "streams to close", func() bool { return host.NumStreams() == 0 && plugin.NumStreams() == 0 })
	})
}

// echoServe accepts id and echoes one message back.
func echoServe(b *Broker, id uint32) error {
	c, err := b.Accept(context.Background(), id)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return fmt.Errorf("serve %d: read: %w", id, err)
	}
	_, err = c.Write(buf[:n])
	return err
}

// echoCall dials id, sends msg and checks the echo.
func echoCall(b *Broker, id uint32, msg string) error {
	c, err := b.Dial(context.Background(), id)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := io.WriteString(c, msg); err != nil {
		return fmt.Errorf("call %d: write: %w", id, err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		return fmt.Errorf("call %d: read: %w", id, err)
	}
	if string(buf) != msg {
		return fmt.Errorf("call %d: echo %q, want %q", id, buf, msg)
	}
	return nil
}

func TestNumStreams(t *testing.T) {
	host, plugin := pair(t, "pipe")
	if n := host.NumStreams(); n != 0 {
		t.Fatalf("NumStreams of a fresh broker = %d", n)
	}
	hc := dialAndWrite(t, host, 1, "x")
	pc := acceptConn(t, plugin, 1)
	if h, p := host.NumStreams(), plugin.NumStreams(); h != 1 || p != 1 {
		t.Errorf("NumStreams with one open stream = %d, %d; want 1, 1", h, p)
	}
	hc.Close()
	pc.Close()
	waitFor(t, "closed stream to leave the count", func() bool { return host.NumStreams() == 0 && plugin.NumStreams() == 0 })
}

// TestHeaderTimeout checks that a stream whose header never comes is
// rejected after BrokerTimeout rather than held forever.
func TestHeaderTimeout(t *testing.T) {
	host, plugin := pairWith(t, "pipe", shortConfig(), shortConfig())
	ys, err := host.sess.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	defer ys.Close() // opened (yamux sent its SYN), but no header follows
	status := make([]byte, 1)
	if _, err := io.ReadFull(ys, status); err != nil {
		t.Fatalf("reading status: %v", err)
	}
	if status[0] != statusAcceptTimeout {
		t.Errorf("status = %d, want %d (accept timeout)", status[0], statusAcceptTimeout)
	}
	if n := numParked(plugin); n != 0 {
		t.Errorf("%d streams parked", n)
	}
}
