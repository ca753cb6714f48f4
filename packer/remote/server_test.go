package remote

import (
	"context"
	"errors"
	"net"
	"net/rpc"
	"strings"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/packer/packertest"
)

// PtrService has a method with a pointer argument, next to EchoService's
// value arguments.
type PtrService struct{}

// Upper returns its argument in upper case.
func (PtrService) Upper(in *string, out *string) error { *out = strings.ToUpper(*in); return nil }

// noMethods has no method net/rpc could serve.
type noMethods struct{}

func (noMethods) Wrong(string) error { return nil }

func TestServerRegisterName(t *testing.T) {
	srv := NewServer()
	if err := srv.RegisterName("Echo", EchoService{}); err != nil {
		t.Fatalf("RegisterName(Echo) = %v", err)
	}
	for _, c := range []struct {
		name    string
		svc     string
		rcvr    interface{}
		wantErr string
	}{
		{"unexported name", "echo", EchoService{}, "not exported"},
		{"empty name", "", EchoService{}, "not exported"},
		{"duplicate", "Echo", PtrService{}, "already defined"},
		{"no methods", "None", noMethods{}, "no suitable methods"},
	} {
		err := srv.RegisterName(c.svc, c.rcvr)
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: RegisterName(%q, %T) = %v, want an error containing %q", c.name, c.svc, c.rcvr, err, c.wantErr)
		}
	}
}

// serveLean serves EchoService and PtrService with a Server on one end of
// a pipe and returns the other end; the server is stopped at cleanup.
func serveLean(t *testing.T) (net.Conn, EchoService) {
	t.Helper()
	svc := EchoService{release: make(chan struct{}), once: new(sync.Once)}
	srv := NewServer()
	if err := srv.RegisterName("EchoService", svc); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterName("Ptr", PtrService{}); err != nil {
		t.Fatal(err)
	}
	c1, c2 := net.Pipe()
	served := make(chan struct{})
	go func() { defer close(served); srv.ServeConn(c2) }()
	t.Cleanup(func() { c1.Close(); svc.unblock(); <-served })
	return c1, svc
}

// TestServerServes calls a Server through a Client and through net/rpc's
// own client: both speak the same protocol.
func TestServerServes(t *testing.T) {
	for _, client := range []string{"Client", "rpc.Client"} {
		t.Run(client, func(t *testing.T) {
			conn, _ := serveLean(t)
			var call func(string, interface{}, interface{}) error
			if client == "Client" {
				call = NewClient(conn).Call
			} else {
				call = rpc.NewClientWithCodec(codec.NewClientCodec(conn)).Call
			}
			checkServerCalls(t, call)
		})
	}
}

func checkServerCalls(t *testing.T, call func(string, interface{}, interface{}) error) {
	t.Helper()
	var out string
	if err := call("EchoService.Echo", "hi", &out); err != nil || out != "hi" {
		t.Errorf("Echo(hi) = %q, %v", out, err)
	}
	in := "low"
	if err := call("Ptr.Upper", &in, &out); err != nil || out != "LOW" {
		t.Errorf("Upper(low) = %q, %v", out, err)
	}
	var se rpc.ServerError
	for _, c := range []struct{ method, want string }{
		{"EchoService.Fail", "failed: x"},
		{"EchoService.Nope", "rpc: can't find method EchoService.Nope"},
		{"Nope.Echo", "rpc: can't find method Nope.Echo"},
		{"NoDot", "rpc: can't find method NoDot"},
	} {
		if err := call(c.method, "x", &out); !errors.As(err, &se) || string(se) != c.want {
			t.Errorf("%s(x) = %v, want rpc.ServerError(%q)", c.method, err, c.want)
		}
	}
	if err := call("EchoService.Echo", 42, &out); !errors.As(err, &se) {
		t.Errorf("Echo(42) = %v, want an rpc.ServerError for an argument that does not decode", err)
	}
	if err := call("EchoService.Echo", "still here", &out); err != nil || out != "still here" {
		t.Errorf("Echo after bad requests = %q, %v", out, err)
	}
}

// TestServerOverlaps checks that a blocked method does not hold up the
// stream: other calls are answered meanwhile.
func TestServerOverlaps(t *testing.T) {
	conn, svc := serveLean(t)
	c := NewClient(conn)
	blocked := make(chan error, 1)
	var late string
	go func() { blocked <- c.Call("EchoService.Block", "late", &late) }()
	var out string
	if err := c.Call("EchoService.Echo", "meanwhile", &out); err != nil || out != "meanwhile" {
		t.Errorf("Echo while Block runs = %q, %v", out, err)
	}
	svc.unblock()
	if err := <-blocked; err != nil || late != "late" {
		t.Errorf("Block = %q, %v", late, err)
	}
}

func TestClientCallContext(t *testing.T) {
	conn, svc := serveLean(t)
	c := NewClient(conn)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("test: gave up")
	var reply string
	done := make(chan error, 1)
	go func() { done <- c.CallContext(ctx, "EchoService.Block", "late", &reply) }()
	cancel(cause)
	if err := <-done; !errors.Is(err, cause) {
		t.Fatalf("CallContext(Block) after cancel = %v, want %v", err, cause)
	}
	svc.unblock() // the late reply arrives and is discarded
	var out string
	if err := c.CallContext(context.Background(), "EchoService.Echo", "next", &out); err != nil || out != "next" {
		t.Errorf("Echo(next) after an abandoned call = %q, %v", out, err)
	}
	if reply != "" {
		t.Errorf("abandoned call's reply = %q, want it untouched", reply)
	}
	if err := c.CallContext(ctx, "EchoService.Echo", "never", &out); !errors.Is(err, cause) {
		t.Errorf("CallContext with an ended ctx = %v, want %v", err, cause)
	}
	tctx, tcancel := context.WithCancel(context.Background())
	defer tcancel()
	if err := c.CallContext(tctx, "EchoService.Echo", "bounded", &out); err != nil || out != "bounded" {
		t.Errorf("CallContext(Echo) with a live ctx = %q, %v", out, err)
	}
	c.Close()
	if err := c.Call("EchoService.Echo", "closed", &out); !errors.Is(err, rpc.ErrShutdown) {
		t.Errorf("Call after Close = %v, want rpc.ErrShutdown", err)
	}
}

// callerFunc is a Caller that is neither a Client nor an rpc.Client.
type callerFunc func(string, interface{}, interface{}) error

func (f callerFunc) Call(method string, args, reply interface{}) error { return f(method, args, reply) }

// TestOtherCaller serves a Builder and calls it through a Caller of
// another type.
func TestOtherCaller(t *testing.T) {
	s := connect(t, "tcp", &packertest.Builder{PrepareFunc: func(...interface{}) ([]string, error) {
		return []string{"w"}, nil
	}})
	warns, err := NewBuilder(callerFunc(s.client.Call), s.host, s.opts).Prepare("x")
	if err != nil || len(warns) != 1 || warns[0] != "w" {
		t.Errorf("Prepare through another Caller = %q, %v", warns, err)
	}
}
