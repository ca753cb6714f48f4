package mux

import (
	"context"
	"errors"
	"net/rpc"
	"strings"
	"testing"
	"time"
)

// Calc is the small receiver the RPC tests serve.
type Calc struct {
	b       *Broker       // to call back into the peer
	release chan struct{} // Block waits for it
}

// Args are Calc's arguments.
type Args struct {
	A, B     int
	Callback uint32 // an id the caller serves a Calc under
}

func (c *Calc) Add(args Args, reply *int) error {
	*reply = args.A + args.B
	return nil
}

// AddVia asks the caller's own Calc, served under args.Callback, to add.
func (c *Calc) AddVia(args Args, reply *int) error {
	client, err := dialRPC(context.Background(), c.b, args.Callback)
	if err != nil {
		return err
	}
	defer client.Close()
	return client.Call("Calc.Add", Args{A: args.A, B: args.B}, reply)
}

// Block waits until the test releases it.
func (c *Calc) Block(_ Args, reply *int) error {
	<-c.release
	return nil
}

// serveCalc serves a Calc under id on b and returns a channel with
// serveRPC's result.
func serveCalc(t *testing.T, b *Broker, id uint32) (*Calc, <-chan error) {
	t.Helper()
	calc := &Calc{b: b, release: make(chan struct{})}
	t.Cleanup(func() { close(calc.release) })
	srv := rpc.NewServer()
	if err := srv.Register(calc); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serveRPC(context.Background(), b, id, srv) }()
	return calc, done
}

func dialCalc(t *testing.T, b *Broker, id uint32) *rpc.Client {
	t.Helper()
	client, err := dialRPC(testCtx(t), b, id)
	if err != nil {
		t.Fatalf("dialRPC(%d): %v", id, err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func TestRPC(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		_, served := serveCalc(t, plugin, 0)
		client := dialCalc(t, host, 0)
		for i := range 3 {
			var sum int
			if err := client.Call("Calc.Add", Args{A: i, B: 40}, &sum); err != nil || sum != i+40 {
				t.Fatalf("Calc.Add(%d, 40) = %d, %v", i, sum, err)
			}
		}
		if h, p := host.NumStreams(), plugin.NumStreams(); h != 1 || p != 1 {
			t.Errorf("NumStreams after three calls = %d, %d; want one stream reused", h, p)
		}
		client.Close()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serveRPC after the client closed = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("serveRPC did not return after the client closed")
		}
		waitFor(t, "streams to close", func() bool { return host.NumStreams() == 0 && plugin.NumStreams() == 0 })
	})
}

// TestRPCCallback serves an object on the host, hands its id to the
// plugin inside a call, and lets the plugin call it back.
func TestRPCCallback(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		serveCalc(t, plugin, 0)
		cb := host.NextID()
		serveCalc(t, host, cb)
		var sum int
		if err := dialCalc(t, host, 0).Call("Calc.AddVia", Args{A: 2, B: 3, Callback: cb}, &sum); err != nil || sum != 5 {
			t.Fatalf("Calc.AddVia = %d, %v; want 5", sum, err)
		}
	})
}

func TestDialRPCRejected(t *testing.T) {
	host, _ := pairWith(t, "tcp", shortConfig(), shortConfig())
	var sum int
	err := dialCalc(t, host, 31).Call("Calc.Add", Args{A: 1, B: 1}, &sum)
	wantErrIs(t, "call to an id nobody serves", err, ErrRejected, ErrAcceptTimeout)
	if err != nil && !strings.Contains(err.Error(), "31") {
		t.Errorf("error %q does not name the id", err)
	}
}

func TestServeRPCAcceptTimeout(t *testing.T) {
	_, plugin := pairWith(t, "pipe", shortConfig(), shortConfig())
	err := serveRPC(context.Background(), plugin, 4, rpc.NewServer())
	wantErrIs(t, "serveRPC nobody dials", err, ErrAcceptTimeout)
}

// TestRPCPendingCallPeerLoss checks that a call in flight fails promptly
// when the connection breaks under the plugin.
func TestRPCPendingCallPeerLoss(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		c1, c2 := connPair(t, network)
		host, plugin := brokersOver(t, c1, c2, testConfig(), testConfig())
		serveCalc(t, plugin, 0)
		client := dialCalc(t, host, 0)
		call := client.Go("Calc.Block", Args{}, new(int), nil)
		var sum int
		if err := client.Call("Calc.Add", Args{A: 1, B: 2}, &sum); err != nil {
			t.Fatalf("Calc.Add beside a blocked call: %v", err)
		}
		c2.Close()
		select {
		case <-call.Done:
			if call.Error == nil {
				t.Error("pending call succeeded after the connection broke")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("pending call hung after the connection broke")
		}
		err := client.Call("Calc.Add", Args{}, &sum)
		if !errors.Is(err, rpc.ErrShutdown) {
			t.Errorf("call after the connection broke = %v, want rpc.ErrShutdown", err)
		}
	})
}
