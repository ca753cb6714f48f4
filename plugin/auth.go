package plugin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// The host's first bytes on the connection are authPreface followed by the
// raw secret; a plugin that accepts them answers authAck. See
// docs/protocol.md, "Authentication".
const (
	authPreface = "muxplug-auth-v1\n"
	authAck     = "muxplug-auth-ok\n"
)

// Secret sizes, in bytes. The host always sends secretSize bytes; a plugin
// accepts any secret between minSecretSize and maxSecretSize.
const (
	secretSize    = 32
	minSecretSize = 16
	maxSecretSize = 64
)

// maxCandidates bounds the connections authenticating at the same time;
// when full, the oldest is dropped to make room for the newest.
const maxCandidates = 32

// newSecret returns a fresh random secret, hex encoded for the environment.
func newSecret() (raw []byte, encoded string, err error) {
	raw = make([]byte, secretSize)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("plugin: generate secret: %w", err)
	}
	return raw, hex.EncodeToString(raw), nil
}

// decodeSecret parses the secret the host put in the environment.
func decodeSecret(s string) ([]byte, error) {
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", ErrBadEnvironment, envSecret)
	}
	if len(raw) < minSecretSize || len(raw) > maxSecretSize {
		return nil, fmt.Errorf("%w: %s has %d bytes, want %d to %d",
			ErrBadEnvironment, envSecret, len(raw), minSecretSize, maxSecretSize)
	}
	return raw, nil
}

// writePreface is the host side: it proves it knows secret. It does not
// wait for the acknowledgement: the host pipelines its first session bytes
// behind the preface and checks the acknowledgement with an ackConn.
func writePreface(conn net.Conn, secret []byte) error {
	msg := append([]byte(authPreface), secret...)
	if _, err := conn.Write(msg); err != nil {
		return fmt.Errorf("%w: send secret: %w", ErrAuth, err)
	}
	return nil
}

// readAck reads and checks the plugin's acknowledgement.
func readAck(r io.Reader) error {
	ack := make([]byte, len(authAck))
	if _, err := io.ReadFull(r, ack); err != nil {
		return fmt.Errorf("%w: plugin dropped the connection: %w", ErrAuth, err)
	}
	if string(ack) != authAck {
		return fmt.Errorf("%w: unexpected acknowledgement %q", ErrAuth, ack)
	}
	return nil
}

// ackConn is the host's connection once the preface is sent: its first
// Read consumes and checks the plugin's acknowledgement, so that the
// session can start without waiting a round trip. Only one goroutine (the
// session's reader) may call Read.
type ackConn struct {
	net.Conn
	acked bool          // owned by the reading goroutine
	done  chan struct{} // closed once the acknowledgement has arrived or failed
	err   error         // why it failed; set before done is closed
}

func newAckConn(conn net.Conn) *ackConn {
	return &ackConn{Conn: conn, done: make(chan struct{})}
}

func (c *ackConn) Read(p []byte) (int, error) {
	if !c.acked {
		c.acked = true
		c.err = readAck(c.Conn)
		close(c.done)
	}
	if c.err != nil {
		return 0, c.err
	}
	return c.Conn.Read(p)
}

// awaitAck waits for the plugin's verdict on the host's secret: nil once it
// accepted it, an error wrapping ErrAuth if it refused it, or ctx's cause.
// The verdict comes from the first Read of the session reading ac: without
// such a session only ctx ends the wait.
func awaitAck(ctx context.Context, ac *ackConn) error {
	select {
	case <-ac.done:
		return ac.err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// checkAuth is the plugin side: it reads the preface and secret within
// timeout, compares them in constant time and acknowledges.
func checkAuth(conn net.Conn, secret []byte, timeout time.Duration) error {
	want := append([]byte(authPreface), secret...)
	got := make([]byte, len(want))
	conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.ReadFull(conn, got); err != nil {
		return fmt.Errorf("%w: read preface: %w", ErrAuth, err)
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return fmt.Errorf("%w: wrong preface or secret", ErrAuth)
	}
	if _, err := io.WriteString(conn, authAck); err != nil {
		return fmt.Errorf("%w: acknowledge: %w", ErrAuth, err)
	}
	return conn.SetDeadline(time.Time{})
}

// acceptor accepts connections on a listener until one authenticates. Every
// candidate is checked in its own goroutine, so a slow or bogus one cannot
// hold up the real host; at most maxCandidates are checked at once, and a
// new connection evicts the oldest candidate when that bound is reached.
type acceptor struct {
	ln      net.Listener
	secret  []byte
	timeout time.Duration
	won     chan net.Conn // receives the one authenticated connection

	mu      sync.Mutex // guards pending and closed
	pending []net.Conn // candidates being checked, oldest first
	closed  bool
	wg      sync.WaitGroup // candidate goroutines
}

// acceptHost returns the first connection on ln that authenticates with
// secret, or ctx's cause. It closes ln and every other candidate, and waits
// for its goroutines, before returning.
func acceptHost(ctx context.Context, ln net.Listener, secret []byte, timeout time.Duration) (net.Conn, error) {
	a := &acceptor{ln: ln, secret: secret, timeout: timeout, won: make(chan net.Conn, 1)}
	acceptDone := make(chan error, 1)
	go func() { acceptDone <- a.acceptLoop() }()
	var err error
	select {
	case conn := <-a.won:
		a.won <- conn
	case err = <-acceptDone:
		err = fmt.Errorf("plugin: accept: %w", err)
		acceptDone <- err
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	ln.Close()
	<-acceptDone
	a.shutdown()
	select {
	case conn := <-a.won: // may have raced with a failure: success wins
		return conn, nil
	default:
		return nil, err
	}
}

func (a *acceptor) acceptLoop() error {
	for {
		conn, err := a.ln.Accept()
		if err != nil {
			return err
		}
		if !a.add(conn) {
			conn.Close()
			return net.ErrClosed
		}
		a.wg.Add(1)
		go a.check(conn)
	}
}

// add registers conn as a candidate, evicting the oldest when full.
func (a *acceptor) add(conn net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	if len(a.pending) >= maxCandidates {
		a.pending[0].Close()
		a.pending = a.pending[1:]
	}
	a.pending = append(a.pending, conn)
	return true
}

// remove forgets conn; it reports false if conn was already evicted or the
// acceptor shut down, in which case the caller must not use conn.
func (a *acceptor) remove(conn net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, c := range a.pending {
		if c == conn {
			a.pending = append(a.pending[:i:i], a.pending[i+1:]...)
			return !a.closed
		}
	}
	return false
}

func (a *acceptor) check(conn net.Conn) {
	defer a.wg.Done()
	err := checkAuth(conn, a.secret, a.timeout)
	if !a.remove(conn) || err != nil {
		conn.Close()
		return
	}
	select {
	case a.won <- conn:
	default: // another candidate won first
		conn.Close()
	}
}

// shutdown closes every pending candidate and waits for their goroutines.
func (a *acceptor) shutdown() {
	a.mu.Lock()
	a.closed = true
	for _, c := range a.pending {
		c.Close()
	}
	a.pending = nil
	a.mu.Unlock()
	a.wg.Wait()
}
