package objrpc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/internal/msgpack"
)

func TestCalls(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := conns(t, network, nil)
		_, p := serveTest(t, host, plugin)
		var reply echoReply
		if err := p.Call("Echo", &echoArgs{S: "hi"}, &reply); err != nil || reply.S != "hi" {
			t.Errorf("Echo(hi) = %q, %v", reply.S, err)
		}
		err := p.Call("Fail", &echoArgs{S: "x"}, new(Empty))
		var re *Error
		if !errors.As(err, &re) || re.Code != "fs.not_exist" || !errors.Is(err, fs.ErrNotExist) || err.Error() != "failed x: file does not exist" {
			t.Errorf("Fail(x) = %#v, want an *Error of code fs.not_exist keeping its text", err)
		}
		err = p.Call("Panic", &echoArgs{S: "now"}, new(Empty))
		if !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "boom now") {
			t.Errorf("Panic = %v, want ErrPanic with the value", err)
		}
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r echoReply
				s := fmt.Sprint("call ", i)
				if err := p.Call("Echo", &echoArgs{S: s}, &r); err != nil || r.S != s {
					t.Errorf("concurrent Echo(%q) = %q, %v", s, r.S, err)
				}
			}()
		}
		wg.Wait()
	})
}

// TestUnknownMethod calls what an object does not serve: each call fails
// with ErrProtocol, and the object keeps serving.
func TestUnknownMethod(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	_, p := serveTest(t, host, plugin)
	if err := p.Call("Nope", &echoArgs{}, new(Empty)); !errors.Is(err, ErrProtocol) {
		t.Errorf("Test.Nope = %v, want ErrProtocol", err)
	}
	other := &Proxy{c: p.c, id: p.id, svc: "Other", link: p.link}
	if err := other.Call("Echo", &echoArgs{}, new(Empty)); !errors.Is(err, ErrProtocol) {
		t.Errorf("Other.Echo on a Test = %v, want ErrProtocol", err)
	}
	if err := p.Call("Echo", "a bare string", new(echoReply)); !errors.Is(err, ErrProtocol) {
		t.Errorf("Echo with an argument that does not decode = %v, want ErrProtocol", err)
	}
	var reply echoReply
	if err := p.Call("Echo", &echoArgs{S: "still here"}, &reply); err != nil || reply.S != "still here" {
		t.Errorf("Echo after bad requests = %q, %v", reply.S, err)
	}
}

// TestExpired checks the ends of an object's lifetime on both sides: a
// proxy whose scope closed fails at once, and a proxy of an object whose
// scope closed on the serving side gets ErrExpired from the peer.
func TestExpired(t *testing.T) {
	host, plugin := conns(t, "pipe", nil)
	out, in := host.NewScope(), plugin.NewScope()
	r := newTestRcvr()
	ref, err := out.Export(testKind, r)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Import(in, ref, testKind, asProxy)
	out.Close() // before the proxy ever dialed
	if !r.isClosed() {
		t.Error("the receiver was not closed with its scope")
	}
	if err := p.Call("Echo", &echoArgs{S: "late"}, new(echoReply)); !errors.Is(err, ErrExpired) {
		t.Errorf("call on an object whose scope closed = %v, want ErrExpired", err)
	}
	in.Close()
	if err := p.Call("Echo", &echoArgs{}, new(echoReply)); !errors.Is(err, ErrExpired) {
		t.Errorf("call through a closed scope = %v, want ErrExpired", err)
	}
	if _, err := out.Export(testKind, newTestRcvr()); !errors.Is(err, ErrExpired) {
		t.Errorf("Export on a closed scope = %v, want ErrExpired", err)
	}
}

func TestCancel(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := conns(t, network, nil)
		r, p := serveTest(t, host, plugin)
		ctx, cancel := context.WithCancel(testCtx(t))
		go func() { <-r.started; cancel() }()
		err := p.CallContext(ctx, "Wait", &waitArgs{S: "during"}, new(echoReply))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Wait cancelled during the call = %v, want context.Canceled", err)
		}
		ctx, cancel = context.WithCancel(testCtx(t))
		cancel()
		if err := p.CallContext(ctx, "Wait", &waitArgs{S: "before"}, new(echoReply)); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait cancelled before the call = %v, want context.Canceled", err)
		}
		<-r.started
		deadline := time.Now().Add(50 * time.Millisecond)
		ctx, cancel = context.WithDeadline(testCtx(t), deadline)
		defer cancel()
		var reply echoReply
		if err := p.CallContext(ctx, "Wait", &waitArgs{S: "deadline"}, &reply); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait past its deadline = %v, want context.DeadlineExceeded", err)
		}
		<-r.started
		if got, _ := time.Parse(time.RFC3339Nano, reply.S); !got.Equal(deadline) {
			t.Errorf("served deadline %s, want %v", reply.S, deadline)
		}
		if st := host.Stats(); st.Calls != 0 || st.Cancelable != 0 {
			t.Errorf("after the calls: %+v, want no calls", st)
		}
	})
}

// TestCallContextAbandons checks that a method that is not cancellable
// stops being waited for when the caller's context ends.
func TestCallContextAbandons(t *testing.T) {
	host, plugin := conns(t, "pipe", nil)
	r, p := serveTest(t, host, plugin)
	ctx, cancel := context.WithCancelCause(testCtx(t))
	go func() { <-r.started; cancel(errUserSentinel) }()
	if err := p.CallContext(ctx, "Stuck", &echoArgs{}, new(Empty)); !errors.Is(err, errUserSentinel) {
		t.Errorf("abandoned Stuck = %v, want the context's cause", err)
	}
	close(r.release)
	var reply echoReply
	if err := p.Call("Echo", &echoArgs{S: "next"}, &reply); err != nil || reply.S != "next" {
		t.Errorf("Echo after an abandoned call = %q, %v", reply.S, err)
	}
}

// TestTooLarge sends a request and asks for a reply over the message
// limit: both calls fail with an error wrapping codec.ErrTooLarge that
// names the call, and the stream keeps working.
func TestTooLarge(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	_, p := serveTest(t, host, plugin)
	huge := strings.Repeat("x", msgpack.MaxMessageSize+1)
	err := p.Call("Echo", &echoArgs{S: huge}, new(echoReply))
	if !errors.Is(err, msgpack.ErrTooLarge) || errors.Is(err, ErrTransport) || !strings.Contains(err.Error(), "Test.Echo") {
		t.Errorf("oversized request = %v, want ErrTooLarge naming Test.Echo, not ErrTransport", err)
	}
	err = p.Call("Big", &echoArgs{N: msgpack.MaxMessageSize + 1}, new(echoReply))
	var re *Error
	if !errors.Is(err, msgpack.ErrTooLarge) || !errors.As(err, &re) || !strings.Contains(err.Error(), "Test.Big") {
		t.Errorf("oversized reply = %v, want an *Error wrapping ErrTooLarge naming Test.Big", err)
	}
	var reply echoReply
	if err := p.Call("Echo", &echoArgs{S: "fine"}, &reply); err != nil || reply.S != "fine" {
		t.Errorf("Echo after oversized messages = %q, %v", reply.S, err)
	}
}

// TestReferences checks memoized exports and objects handed back.
func TestReferences(t *testing.T) {
	host, plugin := conns(t, "pipe", nil)
	out, in := host.NewScope(), plugin.NewScope()
	defer out.Close()
	defer in.Close()
	r := newTestRcvr()
	a, _ := out.Export(testKind, r)
	b, _ := out.Export(testKind, r)
	if a != b {
		t.Errorf("the same object exported twice got %+v and %+v, want one id", a, b)
	}
	p, _ := Import(in, a, testKind, asProxy)
	back, err := in.Export(testKind, p)
	if err != nil || !back.Yours || back.ID != a.ID {
		t.Fatalf("exporting a proxy back = %+v, %v; want yours %d", back, err, a.ID)
	}
	got, err := Import(out, back, testKind, func(*Proxy) *testRcvr { return nil })
	if err != nil || got != r {
		t.Errorf("a reference handed back = %p, %v; want the original %p", got, err, r)
	}
}

// TestUndialedObjectsCostNoGoroutine serves many objects nobody dials.
func TestUndialedObjectsCostNoGoroutine(t *testing.T) {
	host, _ := conns(t, "pipe", nil)
	out := host.NewScope()
	defer out.Close()
	before := runtime.NumGoroutine()
	for range 1000 {
		if _, err := out.Export(testKind, newTestRcvr()); err != nil {
			t.Fatal(err)
		}
	}
	if after := runtime.NumGoroutine(); after > before+2 {
		t.Errorf("1000 undialed objects: goroutines %d -> %d", before, after)
	}
}

// TestRelease returns releasable objects: once the caller's proxies are
// unreachable, the objects are released on the serving side.
func TestRelease(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	in := host.NewScope()
	defer in.Close()
	const n = 200
	rcvrs := make([]*testRcvr, n)
	proxies := make([]*Proxy, n) // kept until every object has been seen served
	for i := range rcvrs {
		rcvrs[i] = newTestRcvr()
		ref, err := plugin.ExportReleasable(testKind, rcvrs[i])
		if err != nil || !ref.Release {
			t.Fatalf("ExportReleasable = %+v, %v", ref, err)
		}
		p, err := Import(in, ref, testKind, asProxy)
		if err != nil {
			t.Fatal(err)
		}
		proxies[i] = p
		if i%2 == 0 { // half of them dialed
			var reply echoReply
			if err := p.Call("Echo", &echoArgs{S: "x"}, &reply); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := plugin.Stats().Objects; got != n {
		t.Fatalf("plugin serves %d objects, want %d", got, n)
	}
	runtime.KeepAlive(proxies)
	proxies = nil
	waitFor(t, "the releases", func() bool {
		runtime.GC()
		return plugin.Stats().Objects == 0
	})
	waitFor(t, "the receivers to close", func() bool {
		for _, r := range rcvrs {
			if !r.isClosed() {
				return false
			}
		}
		return true
	})
}

// TestShutdownBounded shuts a Conn down while a method ignores its
// context: Shutdown gives up when its context ends and names the method.
func TestShutdownBounded(t *testing.T) {
	host, plugin := conns(t, "pipe", nil)
	r, p := serveTest(t, host, plugin)
	done := make(chan error, 1)
	go func() { done <- p.Call("Stuck", &echoArgs{S: "forever"}, new(Empty)) }()
	<-r.started
	if got := host.Running(); len(got) != 1 || got[0].Method != "Test.Stuck" {
		t.Errorf("Running() = %v, want [Test.Stuck]", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := host.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Test.Stuck") {
		t.Errorf("Shutdown with a stuck call = %v, want a timeout naming Test.Stuck", err)
	}
	if err := <-done; !errors.Is(err, ErrTransport) {
		t.Errorf("the stuck call's caller got %v, want ErrTransport (the stream closed)", err)
	}
	close(r.release)
	if err := host.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown once the call returned = %v", err)
	}
}

func TestDescribe(t *testing.T) {
	ms, err := Describe(newTestRcvr())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
		if m.Name == "Wait" != m.Cancellable {
			t.Errorf("%s: Cancellable = %v", m.Name, m.Cancellable)
		}
	}
	if got := strings.Join(names, " "); got != "Big Count Echo Fail Note Panic Stuck Wait" {
		t.Errorf("Describe names %q", got)
	}
	if _, err := Describe(struct{}{}); err == nil {
		t.Error("Describe of a value with no methods = nil error")
	}
}

type badReply struct{}

func (badReply) M(*Call, *echoArgs, *echoArgs) error { return nil }

type cancelNamed struct{}

func (cancelNamed) Cancel(*Call, *echoArgs, *Empty) error { return nil }

func TestRegisterRejects(t *testing.T) {
	host, _ := conns(t, "pipe", nil)
	for _, c := range []struct {
		name string
		svc  string
		rcvr interface{}
	}{
		{"no methods", "A", struct{}{}},
		{"reply without Result", "B", badReply{}},
		{"a method named Cancel", "C", cancelNamed{}},
		{"reserved name", "Runtime", newTestRcvr()},
		{"empty name", "", newTestRcvr()},
	} {
		if err := host.Register(c.svc, c.rcvr); err == nil {
			t.Errorf("%s: Register = nil, want an error", c.name)
		}
	}
	if err := host.Register("Test", newTestRcvr()); err != nil {
		t.Fatal(err)
	}
	if err := host.Register("Test", newTestRcvr()); err == nil {
		t.Error("registering Test twice = nil error")
	}
}

// TestMainObject calls a service registered on the peer's main object.
func TestMainObject(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	if err := plugin.Register("Test", newTestRcvr()); err != nil {
		t.Fatal(err)
	}
	if err := host.DialMain(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var reply echoReply
	if err := host.Main("Test").Call("Echo", &echoArgs{S: "main"}, &reply); err != nil || reply.S != "main" {
		t.Errorf("main Echo = %q, %v", reply.S, err)
	}
}

// TestSessionLoss closes the serving side's broker mid-call.
func TestSessionLoss(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	r, p := serveTest(t, host, plugin)
	done := make(chan error, 1)
	go func() { done <- p.CallContext(testCtx(t), "Wait", &waitArgs{}, new(echoReply)) }()
	<-r.started
	host.Broker().Close()
	if err := <-done; !errors.Is(err, ErrTransport) {
		t.Errorf("call when the session dies = %v, want ErrTransport", err)
	}
	<-host.Done()
}

// TestLogCalls checks the per-call debug records.
func TestLogCalls(t *testing.T) {
	var buf logBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	host, plugin := conns(t, "pipe", &Options{Logger: log, LogCalls: true})
	_, p := serveTest(t, host, plugin)
	if err := p.Call("Echo", &echoArgs{S: "x"}, new(echoReply)); err != nil {
		t.Fatal(err)
	}
	_ = p.Call("Fail", &echoArgs{S: "y"}, new(Empty))
	out := buf.String()
	for _, want := range []string{`msg="objrpc: call" method=Test.Echo`, `msg="objrpc: served" method=Test.Echo`, "method=Test.Fail", "failed y"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
