package plugin

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

func TestWrongSecretThenRightOne(t *testing.T) {
	var authErr error
	c := newTestClient(t, "serve", nil)
	between := func(hs handshake) {
		conn, err := net.Dial(hs.Network, hs.Addr)
		if err != nil {
			authErr = err
			return
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		authErr = authenticate(ctx, conn, make([]byte, secretSize))
	}
	if _, err := c.startBetween(between); err != nil {
		t.Fatalf("Start after a bogus connection: %v", err)
	}
	if !errors.Is(authErr, ErrAuth) {
		t.Errorf("authenticate with a wrong secret = %v, want ErrAuth", authErr)
	}
}

// TestConnectionFlood opens 200 bogus connections (half silent and kept
// open, half sending garbage) before the host dials: the host must still
// get in quickly.
func TestConnectionFlood(t *testing.T) {
	const bogus = 200
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	c := newTestClient(t, "serve", nil)
	var floodTime time.Time
	between := func(hs handshake) {
		for i := range bogus {
			conn, err := net.Dial(hs.Network, hs.Addr)
			if err != nil {
				continue // the listener's backlog may be full: fine
			}
			if i%2 == 1 {
				conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + authPreface + "0123456789abcdef0123456789abcdef"))
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
		floodTime = time.Now()
	}
	if _, err := c.startBetween(between); err != nil {
		t.Fatalf("Start during a flood: %v", err)
	}
	if d := time.Since(floodTime); d > time.Second {
		t.Errorf("host got in %v after the flood, want well under the auth timeout", d)
	}
	var reply string
	if err := call(c, "Echo", "still here", &reply); err != nil || reply != "still here" {
		t.Errorf("Echo = %q, %v", reply, err)
	}
}

// TestAcceptHost exercises the acceptor in process: slow candidates are
// evicted or time out, garbage is dropped, the first good one wins, the
// listener is closed.
func TestAcceptHost(t *testing.T) {
	secret := make([]byte, secretSize)
	secret[0] = 1
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var idle []net.Conn
	for range maxCandidates * 2 {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, conn)
	}
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	hostErr := make(chan error, 1)
	go func() {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			defer conn.Close()
			err = authenticate(context.Background(), conn, secret)
		}
		hostErr <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := acceptHost(ctx, ln, secret, 3*time.Second)
	if err != nil {
		t.Fatalf("acceptHost: %v", err)
	}
	conn.Close()
	if err := <-hostErr; err != nil {
		t.Errorf("host authenticate: %v", err)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("listener still open after the host was accepted")
	}
}

func TestAcceptHostCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(ErrHostGone)
	if _, err := acceptHost(ctx, ln, make([]byte, secretSize), time.Second); !errors.Is(err, ErrHostGone) {
		t.Errorf("acceptHost with a cancelled ctx = %v, want its cause", err)
	}
}

func TestDecodeSecret(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"00112233445566778899aabbccddeeff", true},
		{"00112233445566778899aabbccddee", false}, // 15 bytes
		{"zz112233445566778899aabbccddeeff", false},
		{"", false},
	}
	for _, tt := range tests {
		_, err := decodeSecret(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("decodeSecret(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// authenticate is the host's exchange done synchronously: preface, then
// acknowledgement.
func authenticate(ctx context.Context, conn net.Conn, secret []byte) error {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if err := writePreface(conn, secret); err != nil {
		return err
	}
	return readAck(conn)
}

func TestAckConn(t *testing.T) {
	good := make([]byte, secretSize)
	bad := append([]byte(nil), good...)
	bad[5] = 9
	for _, tt := range []struct {
		name   string
		secret []byte
		ok     bool
	}{{"right secret", good, true}, {"wrong secret", bad, false}} {
		t.Run(tt.name, func(t *testing.T) {
			host, plugin := net.Pipe()
			defer host.Close()
			done := make(chan error, 1)
			go func() {
				defer plugin.Close()
				err := checkAuth(plugin, good, time.Second)
				if err == nil {
					_, err = plugin.Write([]byte("session bytes"))
				}
				done <- err
			}()
			if err := writePreface(host, tt.secret); err != nil {
				t.Fatal(err)
			}
			ac := newAckConn(host)
			buf := make([]byte, 64)
			n, err := ac.Read(buf)
			if tt.ok != (err == nil) || (tt.ok && string(buf[:n]) != "session bytes") {
				t.Errorf("Read = %q, %v; want ok=%v", buf[:n], err, tt.ok)
			}
			if err := awaitAck(context.Background(), ac); tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrAuth)) {
				t.Errorf("awaitAck = %v, want ok=%v or ErrAuth", err, tt.ok)
			}
			if err := <-done; (err == nil) != tt.ok {
				t.Errorf("checkAuth = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
