package mux

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestListener checks that a Listener takes the streams of its ids, past
// BrokerTimeout, and leaves other ids to the broker's rules.
func TestListener(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pairWith(t, network, shortConfig(), shortConfig())
		l := plugin.Listen()
		defer l.Close()
		a, b := plugin.NextID(), plugin.NextID()
		if err := l.Add(a); err != nil {
			t.Fatalf("Add(%d): %v", a, err)
		}
		if err := l.Add(b); err != nil {
			t.Fatalf("Add(%d): %v", b, err)
		}
		// Longer than BrokerTimeout: a listened id does not time out.
		time.Sleep(2 * shortConfig().BrokerTimeout)
		dialAndWrite(t, host, b, "to b")
		id, conn, err := l.Accept(testCtx(t))
		if err != nil || id != b {
			t.Fatalf("Accept = %d, %v; want %d", id, err, b)
		}
		if got := readN(t, conn, 4); got != "to b" {
			t.Errorf("stream %d read %q", id, got)
		}
		conn.Close()

		l.Remove(a)
		late := dialAndWrite(t, host, a, "to a")
		if _, err := late.Read(make([]byte, 1)); !errors.Is(err, ErrRejected) || !errors.Is(err, ErrAcceptTimeout) {
			t.Errorf("dial to a removed id: first Read = %v, want ErrRejected wrapping ErrAcceptTimeout", err)
		}
	})
}

func TestListenerDuplicates(t *testing.T) {
	_, plugin := pair(t, "pipe")
	l1, l2 := plugin.Listen(), plugin.Listen()
	defer l1.Close()
	defer l2.Close()
	id := plugin.NextID()
	if err := l1.Add(id); err != nil {
		t.Fatal(err)
	}
	if err := l2.Add(id); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("second Listener's Add(%d) = %v, want ErrDuplicateID", id, err)
	}
	if _, err := plugin.Accept(testCtx(t), id); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("Accept(%d) of a listened id = %v, want ErrDuplicateID", id, err)
	}
	l1.Close()
	if err := l2.Add(id); err != nil {
		t.Errorf("Add(%d) after the first Listener closed = %v", id, err)
	}
}

// TestListenerTakesParked checks that Add takes a stream that arrived
// before it.
func TestListenerTakesParked(t *testing.T) {
	host, plugin := pair(t, "pipe")
	id := plugin.NextID()
	dialAndWrite(t, host, id, "early")
	waitFor(t, "the stream to park", func() bool { return numParked(plugin) == 1 })
	l := plugin.Listen()
	defer l.Close()
	if err := l.Add(id); err != nil {
		t.Fatal(err)
	}
	got, conn, err := l.Accept(testCtx(t))
	if err != nil || got != id {
		t.Fatalf("Accept = %d, %v; want %d", got, err, id)
	}
	defer conn.Close()
	if s := readN(t, conn, 5); s != "early" {
		t.Errorf("read %q, want early", s)
	}
}

// TestListenerEnds checks that Accept returns when its context ends, when
// the Listener closes and when the broker closes.
func TestListenerEnds(t *testing.T) {
	_, plugin := pair(t, "pipe")
	l := plugin.Listen()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := l.Accept(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Accept with an ended ctx = %v, want context.Canceled", err)
	}
	errc := make(chan error, 1)
	go func() { _, _, err := l.Accept(context.Background()); errc <- err }()
	l.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Accept on a closed Listener = %v, want ErrClosed", err)
	}
	l2 := plugin.Listen()
	go func() { _, _, err := l2.Accept(context.Background()); errc <- err }()
	plugin.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Accept on a closed broker = %v, want ErrClosed", err)
	}
	if err := l2.Add(1); !errors.Is(err, ErrClosed) {
		t.Errorf("Add on a closed broker = %v, want ErrClosed", err)
	}
}
