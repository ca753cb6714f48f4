package remote

import (
	"errors"
	"io"
	"net"
	"net/rpc"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/codec"
)

// EchoService is the net/rpc service of the syncClient tests.
type EchoService struct {
	release chan struct{} // Block waits for it to be closed
	once    *sync.Once
}

// unblock releases every Block call; it is idempotent.
func (s EchoService) unblock() { s.once.Do(func() { close(s.release) }) }

// Echo returns its argument.
func (EchoService) Echo(in string, out *string) error { *out = in; return nil }

// Fail returns a server error.
func (EchoService) Fail(in string, out *string) error { return errors.New("failed: " + in) }

// Block waits for release, then echoes.
func (s EchoService) Block(in string, out *string) error { <-s.release; *out = in; return nil }

// echoClient returns a syncClient talking to an EchoService over a pipe,
// and the server's end of the pipe.
func echoClient(t *testing.T) (*syncClient, net.Conn, EchoService) {
	t.Helper()
	svc := EchoService{release: make(chan struct{}), once: new(sync.Once)}
	srv := rpc.NewServer()
	if err := srv.Register(svc); err != nil {
		t.Fatal(err)
	}
	c1, c2 := net.Pipe()
	served := make(chan struct{})
	go func() { defer close(served); srv.ServeCodec(codec.NewServerCodec(c2)) }()
	c := newSyncClient(c1)
	t.Cleanup(func() { c.close(); c2.Close(); svc.unblock(); <-served })
	return c, c2, svc
}

func TestSyncClientCalls(t *testing.T) {
	c, _, svc := echoClient(t)
	var out string
	if err := c.start("EchoService.Echo", "hi", &out)(); err != nil || out != "hi" {
		t.Errorf("Echo(hi) = %q, %v", out, err)
	}
	err := c.start("EchoService.Fail", "x", &out)()
	var se rpc.ServerError
	if !errors.As(err, &se) || string(se) != "failed: x" {
		t.Errorf("Fail(x) = %v, want rpc.ServerError(failed: x)", err)
	}
	// Many concurrent calls, one of them blocked until the others are
	// done: its caller reads the others' replies, or theirs read its.
	var wg sync.WaitGroup
	blocked := make(chan error, 1)
	go func() {
		var s string
		blocked <- c.start("EchoService.Block", "late", &s)()
	}()
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s string
			in := string(rune('a' + i%26))
			if err := c.start("EchoService.Echo", in, &s)(); err != nil || s != in {
				t.Errorf("Echo(%q) = %q, %v", in, s, err)
			}
		}()
	}
	wg.Wait()
	svc.unblock()
	if err := <-blocked; err != nil {
		t.Errorf("Block = %v", err)
	}
	// A reply nobody waits for is read by the next caller.
	c.start("EchoService.Echo", "ignored", new(string))
	if err := c.start("EchoService.Echo", "next", &out)(); err != nil || out != "next" {
		t.Errorf("Echo(next) after an unawaited call = %q, %v", out, err)
	}
}

func TestSyncClientBreaks(t *testing.T) {
	c, server, _ := echoClient(t)
	wait := c.start("EchoService.Block", "never", new(string))
	server.Close() // the transport dies mid-call
	if err := wait(); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("pending call on a dead stream = %v, want an unexpected end", err)
	}
	if err := c.start("EchoService.Echo", "after", new(string))(); err == nil {
		t.Error("a call after the stream died succeeded")
	}
}

func TestSyncClientClose(t *testing.T) {
	c, _, _ := echoClient(t)
	wait := c.start("EchoService.Block", "never", new(string))
	done := make(chan error, 1)
	go func() { done <- wait() }()
	c.close()
	if err := <-done; !errors.Is(err, rpc.ErrShutdown) {
		t.Errorf("pending call at close = %v, want rpc.ErrShutdown", err)
	}
	if err := c.start("EchoService.Echo", "after", new(string))(); !errors.Is(err, rpc.ErrShutdown) {
		t.Errorf("call after close = %v, want rpc.ErrShutdown", err)
	}
}
