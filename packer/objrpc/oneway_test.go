package objrpc

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOneWayOrder sends one-way calls from several goroutines on one
// proxy: each goroutine's calls run in its order, and a waited-for call
// made after them runs after all of them.
func TestOneWayOrder(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := conns(t, network, nil)
		r, p := serveTest(t, host, plugin)
		const senders, each = 4, 300
		var wg sync.WaitGroup
		for g := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := p.Send("Note", &noteArgs{From: g, Seq: i}); err != nil {
						t.Errorf("Send: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		var reply echoReply
		if err := p.Call("Count", &NoArgs{}, &reply); err != nil || reply.S != fmt.Sprint(senders*each) {
			t.Fatalf("Count after the Sends = %q, %v; want %d: a waited-for call overtook one-way calls", reply.S, err, senders*each)
		}
		next := make([]int, senders)
		for _, n := range r.recorded() {
			if n.Seq != next[n.From] {
				t.Fatalf("sender %d: call %d ran before call %d", n.From, n.Seq, next[n.From])
			}
			next[n.From]++
		}
	})
}

// TestOneWayBarrier checks that closing a scope waits until the one-way
// calls sent through it have run, one round trip for all of them.
func TestOneWayBarrier(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	out, in := host.NewScope(), plugin.NewScope()
	defer out.Close()
	r := newTestRcvr()
	ref, _ := out.Export(testKind, r)
	p, _ := Import(in, ref, testKind, asProxy)
	for i := range 50 {
		if err := p.Send("Note", &noteArgs{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	in.Close()
	if got := len(r.recorded()); got != 50 {
		t.Errorf("after the scope closed, %d of 50 one-way calls had run", got)
	}
}

// TestOneWayBackpressure blocks the receiver: the sender stops once
// oneWayWindow calls are unconfirmed, and goes on when the receiver does.
func TestOneWayBackpressure(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	r, p := serveTest(t, host, plugin)
	r.gate = make(chan struct{})
	const total = 3 * oneWayWindow
	var sent atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := range total {
			if err := p.Send("Note", &noteArgs{Seq: i}); err != nil {
				done <- err
				return
			}
			sent.Add(1)
		}
		done <- nil
	}()
	waitFor(t, "the sender to fill its window", func() bool { return sent.Load() == oneWayWindow-1 })
	time.Sleep(50 * time.Millisecond) // time for a sender that ignores the window to run past it
	if n := sent.Load(); n >= oneWayWindow {
		t.Errorf("the sender got %d calls out past a receiver that ran none, want fewer than %d", n, oneWayWindow)
	}
	close(r.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var reply echoReply
	if err := p.Call("Count", &NoArgs{}, &reply); err != nil || reply.S != fmt.Sprint(total) {
		t.Errorf("Count = %q, %v; want %d", reply.S, err, total)
	}
}

// TestOneWayFailures checks that failed one-way calls are logged on the
// sending side, with the method, and counted.
func TestOneWayFailures(t *testing.T) {
	var buf logBuffer
	host, plugin := conns(t, "pipe", &Options{Logger: slogTo(&buf)})
	_, p := serveTest(t, host, plugin)
	for _, fail := range []string{"disk full", "panic"} {
		if err := p.Send("Note", &noteArgs{Fail: fail}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Send("Nope", &noteArgs{}); err != nil {
		t.Fatal(err)
	}
	p.link.flush() // as the end of the call that carried the object would
	if got := plugin.Stats().OneWayFailed; got != 3 {
		t.Errorf("OneWayFailed = %d, want 3", got)
	}
	log := buf.String()
	for _, want := range []string{"method=Test.Note", "disk full", "note exploded", "method=Test.Nope"} {
		if !strings.Contains(log, want) {
			t.Errorf("the sender's log lacks %q:\n%s", want, log)
		}
	}
}

// TestOneWayLost breaks the connection under unconfirmed one-way calls:
// the sender reports them as possibly lost, at most a window's worth.
func TestOneWayLost(t *testing.T) {
	host, plugin := conns(t, "tcp", nil)
	r, p := serveTest(t, host, plugin)
	r.gate = make(chan struct{}) // nothing runs
	for i := range 10 {
		if err := p.Send("Note", &noteArgs{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	host.Broker().Close()
	p.link.flush()
	if got := plugin.Stats().OneWayLost; got != 10 {
		t.Errorf("OneWayLost = %d, want the 10 unconfirmed calls", got)
	}
	if err := p.Send("Note", &noteArgs{}); !errors.Is(err, ErrTransport) {
		t.Errorf("Send on a dead session = %v, want ErrTransport", err)
	}
	close(r.gate)
}
