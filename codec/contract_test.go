package codec

import (
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"strings"
	"sync"
	"testing"
)

// TestServerCodecPairedReads checks the server half of net/rpc's contract:
// headers and bodies are read in pairs, a nil body read discards the body,
// and the message after a discarded body still reads correctly.
func TestServerCodecPairedReads(t *testing.T) {
	var wire []byte
	for i, name := range []string{"first", "skipped", "third"} {
		wire = append(wire, requestFrame(t, "Svc.Echo", uint64(i+1), Payload{Name: name, Data: []byte(name)})...)
	}
	sc := NewServerCodec(newMemConn(wire))
	for i, name := range []string{"first", "skipped", "third"} {
		var req rpc.Request
		if err := sc.ReadRequestHeader(&req); err != nil {
			t.Fatalf("message %d: ReadRequestHeader: %v", i, err)
		}
		if req.ServiceMethod != "Svc.Echo" || req.Seq != uint64(i+1) {
			t.Fatalf("message %d: header = %q seq %d, want Svc.Echo seq %d", i, req.ServiceMethod, req.Seq, i+1)
		}
		if name == "skipped" {
			if err := sc.ReadRequestBody(nil); err != nil {
				t.Fatalf("message %d: ReadRequestBody(nil): %v", i, err)
			}
			continue
		}
		var p Payload
		if err := sc.ReadRequestBody(&p); err != nil {
			t.Fatalf("message %d: ReadRequestBody: %v", i, err)
		}
		if p.Name != name || string(p.Data) != name {
			t.Fatalf("message %d: body = %+v, want name and data %q", i, p, name)
		}
	}
	var req rpc.Request
	if err := sc.ReadRequestHeader(&req); err != io.EOF {
		t.Fatalf("ReadRequestHeader at end of stream = %v, want exactly io.EOF", err)
	}
}

// TestClientCodecPairedReads is the client half: responses, including an
// error response whose body net/rpc discards, are read in pairs.
func TestClientCodecPairedReads(t *testing.T) {
	out := newMemConn(nil)
	sc := NewServerCodec(out)
	responses := []rpc.Response{
		{ServiceMethod: "Svc.Echo", Seq: 1},
		{ServiceMethod: "Svc.Fail", Seq: 2, Error: "svc: refused ünïcode"},
		{ServiceMethod: "Svc.Echo", Seq: 3},
	}
	for i := range responses {
		if err := sc.WriteResponse(&responses[i], Payload{Name: fmt.Sprint("reply", i)}); err != nil {
			t.Fatalf("WriteResponse %d: %v", i, err)
		}
	}
	cc := NewClientCodec(newMemConn(out.w.Bytes()))
	for i, want := range responses {
		var got rpc.Response
		if err := cc.ReadResponseHeader(&got); err != nil {
			t.Fatalf("response %d: ReadResponseHeader: %v", i, err)
		}
		if got != want {
			t.Fatalf("response %d: header = %+v, want %+v", i, got, want)
		}
		if want.Error != "" {
			if err := cc.ReadResponseBody(nil); err != nil {
				t.Fatalf("response %d: ReadResponseBody(nil): %v", i, err)
			}
			continue
		}
		var p Payload
		if err := cc.ReadResponseBody(&p); err != nil {
			t.Fatalf("response %d: ReadResponseBody: %v", i, err)
		}
		if wantName := fmt.Sprint("reply", i); p.Name != wantName {
			t.Fatalf("response %d: body name %q, want %q", i, p.Name, wantName)
		}
	}
	var got rpc.Response
	if err := cc.ReadResponseHeader(&got); err != io.EOF {
		t.Fatalf("ReadResponseHeader at end of stream = %v, want exactly io.EOF", err)
	}
}

// TestBodyWithoutHeader checks that a body read with no header before it,
// or a second body read for one header, is an error and not a stale decode.
func TestBodyWithoutHeader(t *testing.T) {
	wire := requestFrame(t, "Svc.Echo", 1, Payload{Name: "x"})
	sc := NewServerCodec(newMemConn(wire))
	var p Payload
	if err := sc.ReadRequestBody(&p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("ReadRequestBody before any header = %v, want ErrMalformed", err)
	}
	var req rpc.Request
	if err := sc.ReadRequestHeader(&req); err != nil {
		t.Fatalf("ReadRequestHeader: %v", err)
	}
	if err := sc.ReadRequestBody(&p); err != nil {
		t.Fatalf("ReadRequestBody: %v", err)
	}
	if err := sc.ReadRequestBody(&p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("second ReadRequestBody for one header = %v, want ErrMalformed", err)
	}
	cc := NewClientCodec(newMemConn(nil))
	if err := cc.ReadResponseBody(&p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("ReadResponseBody before any header = %v, want ErrMalformed", err)
	}
}

// failCloser is a ReadWriteCloser whose Close fails.
type failCloser struct{ memConn }

var errCloseFailed = errors.New("test: close failed")

func (f *failCloser) Close() error {
	f.memConn.Close()
	return errCloseFailed
}

// TestCloseIdempotent checks that concurrent and repeated Close calls
// close the connection exactly once and all report its result.
func TestCloseIdempotent(t *testing.T) {
	codecs := []struct {
		name string
		new  func(io.ReadWriteCloser) io.Closer
	}{
		{"client", func(rwc io.ReadWriteCloser) io.Closer { return NewClientCodec(rwc) }},
		{"server", func(rwc io.ReadWriteCloser) io.Closer { return NewServerCodec(rwc) }},
	}
	for _, cd := range codecs {
		t.Run(cd.name, func(t *testing.T) {
			fc := &failCloser{}
			c := cd.new(fc)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = c.Close()
				}()
			}
			wg.Wait()
			if n := fc.closed.Load(); n != 1 {
				t.Fatalf("8 concurrent Close calls closed the connection %d times, want 1", n)
			}
			for i, err := range errs {
				if err != errCloseFailed {
					t.Fatalf("Close call %d = %v, want the connection's error %v", i, err, errCloseFailed)
				}
			}
			if err := c.Close(); err != errCloseFailed || fc.closed.Load() != 1 {
				t.Fatalf("Close after close = %v (closes %d), want %v and still 1 close", err, fc.closed.Load(), errCloseFailed)
			}
		})
	}
}

// TestWriteAfterClose checks that writing on a closed codec fails with an
// error that wraps the connection's error.
func TestWriteAfterClose(t *testing.T) {
	c, _ := pipePair(t)
	cc := NewClientCodec(c)
	if err := cc.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	err := cc.WriteRequest(&rpc.Request{ServiceMethod: "Svc.Echo", Seq: 1}, Payload{})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("WriteRequest after Close = %v, want an error wrapping io.ErrClosedPipe", err)
	}
}

// TestWriteRequestConcurrentWithReads drives a client codec directly: many
// goroutines write requests while one goroutine reads responses, as
// net/rpc allows. Run with -race.
func TestWriteRequestConcurrentWithReads(t *testing.T) {
	const writers, perWriter = 4, 50
	c, s := pipePair(t)
	serverDone := make(chan error, 1)
	go func() { serverDone <- echoLoop(NewServerCodec(s)) }()
	cc := NewClientCodec(c)

	readDone := make(chan error, 1)
	go func() { readDone <- readEchoes(cc, writers*perWriter) }()

	var wg sync.WaitGroup
	writeErrs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				seq := uint64(w*perWriter + i)
				req := rpc.Request{ServiceMethod: "Svc.Echo", Seq: seq}
				if err := cc.WriteRequest(&req, Payload{N: int64(seq), Name: strings.Repeat("x", int(seq))}); err != nil {
					writeErrs <- fmt.Errorf("WriteRequest seq %d: %w", seq, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(writeErrs)
	for err := range writeErrs {
		t.Error(err)
	}
	if err := <-readDone; err != nil {
		t.Error(err)
	}
	cc.Close()
	if err := <-serverDone; err != nil {
		t.Errorf("server loop: %v", err)
	}
}

// echoLoop answers every request on sc with its own body until the
// connection ends; it returns nil on a clean end.
func echoLoop(sc rpc.ServerCodec) error {
	defer sc.Close()
	for {
		var req rpc.Request
		if err := sc.ReadRequestHeader(&req); err != nil {
			if err == io.EOF || errors.Is(err, io.ErrClosedPipe) {
				return nil
			}
			return err
		}
		var p Payload
		if err := sc.ReadRequestBody(&p); err != nil {
			return err
		}
		resp := rpc.Response{ServiceMethod: req.ServiceMethod, Seq: req.Seq}
		if err := sc.WriteResponse(&resp, p); err != nil {
			return err
		}
	}
}

// readEchoes reads n echo responses and checks each body against its seq.
func readEchoes(cc rpc.ClientCodec, n int) error {
	seen := make(map[uint64]bool, n)
	for range n {
		var resp rpc.Response
		if err := cc.ReadResponseHeader(&resp); err != nil {
			return fmt.Errorf("ReadResponseHeader after %d responses: %w", len(seen), err)
		}
		var p Payload
		if err := cc.ReadResponseBody(&p); err != nil {
			return fmt.Errorf("ReadResponseBody seq %d: %w", resp.Seq, err)
		}
		if uint64(p.N) != resp.Seq || len(p.Name) != int(resp.Seq) || seen[resp.Seq] {
			return fmt.Errorf("response seq %d: body N=%d len(Name)=%d (duplicate %v)", resp.Seq, p.N, len(p.Name), seen[resp.Seq])
		}
		seen[resp.Seq] = true
	}
	return nil
}

// TestConcurrentCalls makes many concurrent calls through a real
// rpc.Client and rpc.Server over each transport.
func TestConcurrentCalls(t *testing.T) {
	const callers, perCaller = 8, 40
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, s := tr.pair(t)
			client := serveRPC(t, c, s)
			var wg sync.WaitGroup
			errs := make(chan error, callers)
			for g := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- callEchoes(client, g, perCaller)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// callEchoes makes n Echo calls, half of them asynchronous, and checks
// every reply.
func callEchoes(client *rpc.Client, g, n int) error {
	calls := make([]*rpc.Call, 0, n)
	for i := range n {
		args := &Payload{Name: fmt.Sprintf("g%d-%d", g, i), Data: make([]byte, i*37), N: int64(g*1000 + i)}
		if i%2 == 0 {
			calls = append(calls, client.Go("Svc.Echo", args, new(Payload), nil))
			continue
		}
		var reply Payload
		if err := client.Call("Svc.Echo", args, &reply); err != nil {
			return fmt.Errorf("Call %s: %w", args.Name, err)
		}
		if err := sameEcho(args, &reply); err != nil {
			return err
		}
	}
	for _, call := range calls {
		<-call.Done
		if call.Error != nil {
			return fmt.Errorf("Go %s: %w", call.Args.(*Payload).Name, call.Error)
		}
		if err := sameEcho(call.Args.(*Payload), call.Reply.(*Payload)); err != nil {
			return err
		}
	}
	return nil
}

func sameEcho(args, reply *Payload) error {
	if reply.Name != args.Name || reply.N != args.N || len(reply.Data) != len(args.Data) {
		return fmt.Errorf("Echo(%s, N=%d, %d bytes) = (%s, N=%d, %d bytes)",
			args.Name, args.N, len(args.Data), reply.Name, reply.N, len(reply.Data))
	}
	return nil
}

// TestServerErrors checks that errors raised on the server side reach the
// caller with their message intact, and that the connection stays usable.
func TestServerErrors(t *testing.T) {
	cases := []struct {
		name, method string
		args         interface{}
		want         string
	}{
		{"unknown method", "Svc.Nope", &Payload{}, "rpc: can't find method Svc.Nope"},
		{"unknown service", "Nope.Echo", &Payload{}, "rpc: can't find service Nope.Echo"},
		{"ill-formed name", "NoDot", &Payload{}, "rpc: service/method request ill-formed: NoDot"},
		{"method error", "Svc.Fail", &Payload{Name: "héllo ✓ \x00 \"q\""}, "svc: refused héllo ✓ \x00 \"q\""},
		{"undecodable argument", "Svc.Echo", "a string, not a Payload", "codec: decode"},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c, s := tr.pair(t)
			client := serveRPC(t, c, s)
			for _, tc := range cases {
				var reply Payload
				err := client.Call(tc.method, tc.args, &reply)
				var se rpc.ServerError
				if !errors.As(err, &se) || !strings.HasPrefix(string(se), tc.want) {
					t.Errorf("%s: Call(%q, %#v) = %v, want rpc.ServerError starting %q", tc.name, tc.method, tc.args, err, tc.want)
				}
				if tc.method == "Svc.Fail" && string(se) != tc.want {
					t.Errorf("%s: error text %q, want exactly %q", tc.name, se, tc.want)
				}
				args := &Payload{Name: "after " + tc.name, N: 7}
				if err := client.Call("Svc.Echo", args, &reply); err != nil || reply.Name != args.Name {
					t.Fatalf("%s: next call = %+v, %v; want echo of %q", tc.name, reply, err, args.Name)
				}
			}
		})
	}
}

// TestTooLarge checks both directions of an oversized message: a request
// fails locally with ErrTooLarge, a reply reaches the caller as an error
// response, and in both cases nothing is written that would break the
// stream, so the next call works.
func TestTooLarge(t *testing.T) {
	c, s := pipePair(t)
	client := serveRPC(t, c, s)
	var reply Payload
	err := client.Call("Svc.Echo", &Payload{Data: make([]byte, MaxMessageSize)}, &reply)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Call with a %d-byte argument = %v, want an error wrapping ErrTooLarge", MaxMessageSize, err)
	}
	err = client.Call("Svc.Big", &Payload{N: MaxMessageSize}, &reply)
	var se rpc.ServerError
	if !errors.As(err, &se) || !strings.Contains(string(se), "cannot send the reply to Svc.Big") ||
		!strings.Contains(string(se), ErrTooLarge.Error()) {
		t.Errorf("Call returning a %d-byte reply = %v, want an rpc.ServerError naming the method and ErrTooLarge", MaxMessageSize, err)
	}
	if err := client.Call("Svc.Big", &Payload{N: MaxMessageSize - 64}, &reply); err != nil || len(reply.Data) != MaxMessageSize-64 {
		t.Fatalf("Call returning a reply just under the limit = %d bytes, %v", len(reply.Data), err)
	}
}

// TestCloseUnblocksRead checks that closing a codec from another goroutine
// ends a header read on it, whether the read is already blocked on the
// connection or starts after the Close.
func TestCloseUnblocksRead(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			_, s := tr.pair(t)
			sc := NewServerCodec(s)
			readErr := make(chan error, 1)
			go func() {
				var req rpc.Request
				readErr <- sc.ReadRequestHeader(&req)
			}()
			if err := sc.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := <-readErr; err == nil {
				t.Fatal("ReadRequestHeader blocked during Close returned nil, want an error")
			}
		})
	}
}

// TestRPCMalformedPeer checks what net/rpc makes of a malformed frame: a
// server stops serving the connection, and a client fails the pending
// call with an error wrapping ErrMalformed.
func TestRPCMalformedPeer(t *testing.T) {
	bad := frame(validHeader, []byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	t.Run("server", func(t *testing.T) {
		c, s := pipePair(t)
		srv := rpc.NewServer()
		served := make(chan struct{})
		go func() {
			defer close(served)
			srv.ServeCodec(NewServerCodec(s))
		}()
		if _, err := c.Write(bad); err != nil {
			t.Fatalf("write malformed frame: %v", err)
		}
		<-served // ServeCodec returned and closed the connection
		if _, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("read after the server gave up = %v, want io.EOF", err)
		}
	})
	t.Run("client", func(t *testing.T) {
		c, s := pipePair(t)
		client := rpc.NewClientWithCodec(NewClientCodec(c))
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			io.Copy(io.Discard, s) // requests, until the connection closes
		}()
		defer func() { <-drained }()
		defer client.Close() // runs first: ends the copy
		// net.Pipe writes are synchronous: Go returns once the request
		// has been read, so the call is pending before the reply comes.
		call := client.Go("Svc.Echo", &Payload{}, new(Payload), make(chan *rpc.Call, 1))
		if _, err := s.Write(bad); err != nil {
			t.Fatalf("write malformed response: %v", err)
		}
		<-call.Done
		if !errors.Is(call.Error, ErrMalformed) {
			t.Fatalf("call answered by a malformed frame: error %v, want one wrapping ErrMalformed", call.Error)
		}
	})
}
