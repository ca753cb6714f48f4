package objrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/internal/testnet"
	"github.com/muxplug/muxplug/mux"
)

func TestMain(m *testing.M) {
	if err := RegisterError("objrpc_test.custom", errUserSentinel); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	goleak.VerifyTestMain(m)
}

// errUserSentinel is registered by TestMain.
var errUserSentinel = errors.New("user: custom failure")

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// logBuffer collects log output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// forEachNetwork runs f as a subtest over net.Pipe and loopback TCP.
func forEachNetwork(t *testing.T, f func(t *testing.T, network string)) {
	t.Helper()
	for _, network := range []string{"pipe", "tcp"} {
		t.Run(network, func(t *testing.T) { f(t, network) })
	}
}

// connPair returns the two ends of a connection over network; both are
// closed at cleanup.
func connPair(t testing.TB, network string) (net.Conn, net.Conn) {
	t.Helper()
	return testnet.Pair(t, network)
}

// conns returns the runtimes of both ends of a fresh connection; they and
// their brokers are closed at cleanup.
func conns(t testing.TB, network string, opts *Options) (host, plugin *Conn) {
	t.Helper()
	c1, c2 := connPair(t, network)
	cfg := &mux.Config{BrokerTimeout: 200 * time.Millisecond, Logger: quiet}
	hb, err := mux.Client(c1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := mux.Server(c2, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &Options{Logger: quiet}
	}
	if host, err = NewConn(hb, opts); err != nil {
		t.Fatal(err)
	}
	if plugin, err = NewConn(pb, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		host.Close()
		plugin.Close()
		hb.Close()
		pb.Close()
	})
	return host, plugin
}

// testCtx returns a context that ends with the test or after 20 seconds.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls cond, for at most 5 seconds, for what can only be
// observed from outside (a release that the peer's garbage collector
// triggers, a stream count).
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

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

// failingReader returns n bytes, then err.
type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	r.n -= k
	return k, nil
}

// failingWriter accepts n bytes, then fails with err.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

// The test service.

type echoArgs struct {
	S string `codec:"s"`
	N int    `codec:"n"`
}

type echoReply struct {
	S string `codec:"s"`
	B []byte `codec:"b"`
	Result
}

type waitArgs struct {
	CallState `codec:"call"`
	S         string `codec:"s"`
}

// testRcvr is both the object served and its receiver.
type testRcvr struct {
	started chan string   // Wait and Stuck say they began
	release chan struct{} // Stuck waits for it, ignoring its context
	gate    chan struct{} // if not nil, each Note waits for a value

	mu     sync.Mutex
	closed bool // Close was called
	notes  []noteArgs
}

type noteArgs struct {
	From int    `codec:"from"`
	Seq  int    `codec:"seq"`
	Fail string `codec:"fail"` // Note fails with this text, or panics if it is "panic"
}

// Note records its argument, once the gate (if any) lets it.
func (r *testRcvr) Note(_ *Call, a *noteArgs, _ *Empty) error {
	if r.gate != nil {
		<-r.gate
	}
	switch a.Fail {
	case "":
	case "panic":
		panic("note exploded")
	default:
		return errors.New(a.Fail)
	}
	r.mu.Lock()
	r.notes = append(r.notes, *a)
	r.mu.Unlock()
	return nil
}

// Count replies with how many Notes were recorded.
func (r *testRcvr) Count(_ *Call, _ *NoArgs, reply *echoReply) error {
	r.mu.Lock()
	reply.S = fmt.Sprint(len(r.notes))
	r.mu.Unlock()
	return nil
}

func (r *testRcvr) recorded() []noteArgs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]noteArgs(nil), r.notes...)
}

func newTestRcvr() *testRcvr {
	return &testRcvr{started: make(chan string, 16), release: make(chan struct{})}
}

var testKind = NewKind("Test", func(obj interface{}) interface{} { return obj.(*testRcvr) })

func (r *testRcvr) Echo(_ *Call, a *echoArgs, reply *echoReply) error {
	reply.S = a.S
	return nil
}

func (r *testRcvr) Fail(_ *Call, a *echoArgs, _ *Empty) error {
	return fmt.Errorf("failed %s: %w", a.S, fs.ErrNotExist)
}

func (r *testRcvr) Panic(_ *Call, a *echoArgs, _ *Empty) error {
	panic("boom " + a.S)
}

// Big replies with a.N bytes.
func (r *testRcvr) Big(_ *Call, a *echoArgs, reply *echoReply) error {
	reply.B = make([]byte, a.N)
	return nil
}

// Wait waits for its context to end.
func (r *testRcvr) Wait(c *Call, a *waitArgs, reply *echoReply) error {
	r.started <- a.S
	<-c.Context().Done()
	if d, ok := c.Context().Deadline(); ok {
		reply.S = d.Format(time.RFC3339Nano)
	}
	return c.Context().Err()
}

// Stuck ignores its context until release is closed.
func (r *testRcvr) Stuck(_ *Call, a *echoArgs, _ *Empty) error {
	r.started <- a.S
	<-r.release
	return nil
}

func (r *testRcvr) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	return nil
}

func (r *testRcvr) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

func asProxy(p *Proxy) *Proxy { return p }

// serveTest serves a fresh testRcvr in a scope of from and returns it with
// its proxy in a scope of to; both scopes close at cleanup.
func serveTest(t testing.TB, from, to *Conn) (*testRcvr, *Proxy) {
	t.Helper()
	out, in := from.NewScope(), to.NewScope()
	t.Cleanup(func() { in.Close(); out.Close() })
	r := newTestRcvr()
	ref, err := out.Export(testKind, r)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Import(in, ref, testKind, asProxy)
	if err != nil {
		t.Fatal(err)
	}
	return r, p
}

// slogTo returns a logger that writes every level to w.
func slogTo(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
