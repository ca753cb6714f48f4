package remote

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/internal/testnet"
	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestMain(m *testing.M) {
	// The fakes' sentinels survive the wire in these tests, as a real
	// plugin's would once both sides register them.
	for code, sentinel := range map[string]error{
		"packertest.not_found": packertest.ErrNotFound,
		"packertest.no_answer": packertest.ErrNoAnswer,
		"remote_test.custom":   errUserSentinel,
	} {
		if err := objrpc.RegisterError(code, sentinel); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	goleak.VerifyTestMain(m)
}

// networks are the transports every end-to-end test runs over.
var networks = []string{"pipe", "tcp"}

// forEachNetwork runs f as a subtest per transport.
func forEachNetwork(t *testing.T, f func(t *testing.T, network string)) {
	t.Helper()
	for _, network := range networks {
		t.Run(network, func(t *testing.T) { f(t, network) })
	}
}

// testBrokerTimeout is the brokers' Accept timeout in tests: short, so that
// the renewal of Accepts for lazily dialled objects is exercised.
const testBrokerTimeout = 500 * time.Millisecond

// logBuffer collects log output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// connPair returns the two ends of a connection over network; both are
// closed at cleanup.
func connPair(t testing.TB, network string) (net.Conn, net.Conn) {
	t.Helper()
	return testnet.Pair(t, network)
}

// pair returns a host (mux client) and a plugin (mux server) broker over
// network; both are closed at cleanup.
func pair(t testing.TB, network string) (host, plugin *mux.Broker) {
	t.Helper()
	c1, c2 := connPair(t, network)
	quiet := slog.New(slog.NewTextHandler(&logBuffer{}, nil))
	cfg := &mux.Config{BrokerTimeout: testBrokerTimeout, Logger: quiet}
	host, err := mux.Client(c1, cfg)
	if err != nil {
		t.Fatalf("mux.Client: %v", err)
	}
	plugin, err = mux.Server(c2, cfg)
	if err != nil {
		host.Close()
		t.Fatalf("mux.Server: %v", err)
	}
	t.Cleanup(func() { plugin.Close() })
	t.Cleanup(func() { host.Close() })
	return host, plugin
}

// session is a host and a plugin that serves one component on its main
// object, as package plugin sets them up.
type session struct {
	host, plugin *mux.Broker
	hc, pc       *Conn // the host's and the plugin's runtimes
	log          *logBuffer
}

// connect serves component in a plugin over network and returns the
// session; everything is torn down at cleanup, in order.
func connect(t testing.TB, network string, component interface{}) *session {
	t.Helper()
	return connectWrapped(t, network, component, nil)
}

// connectWrapped is connect with a WrapTransportError for the host.
func connectWrapped(t testing.TB, network string, component interface{}, wrap func(error) error) *session {
	t.Helper()
	s := &session{log: &logBuffer{}}
	opts := &objrpc.Options{Logger: slog.New(slog.NewTextHandler(s.log, nil))}
	s.host, s.plugin = pair(t, network)
	var err error
	if s.pc, err = NewConn(s.plugin, opts); err != nil {
		t.Fatalf("plugin NewConn: %v", err)
	}
	t.Cleanup(func() { s.pc.Close() })
	if err := s.pc.RegisterComponent(component); err != nil {
		t.Fatalf("RegisterComponent: %v", err)
	}
	hostOpts := *opts
	hostOpts.WrapTransportError = wrap
	if s.hc, err = NewConn(s.host, &hostOpts); err != nil {
		t.Fatalf("host NewConn: %v", err)
	}
	t.Cleanup(func() { s.hc.Close() })
	t.Cleanup(func() { s.plugin.Close() })
	t.Cleanup(func() { s.host.Close() })
	return s
}

// waitStreams waits until b counts want open streams. The count is
// eventually consistent by nature: a stream leaves it when the peer's
// close arrives, which a caller cannot wait for otherwise. The wait is
// bounded.
func waitStreams(t testing.TB, b *mux.Broker, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for b.NumStreams() != want {
		if time.Now().After(deadline) {
			t.Fatalf("NumStreams() = %d, want %d", b.NumStreams(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

// testCtx returns a context that ends with the test or after 20 seconds,
// whichever comes first, so that a broken test fails instead of hanging.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// mustContain fails the test unless s contains each of subs.
func mustContain(t testing.TB, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s = %q, want it to contain %q", what, s, sub)
		}
	}
}
