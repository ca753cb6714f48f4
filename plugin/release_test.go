package plugin

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"
)

// TestKillReleasesSession keeps a Client after Kill, as a host's plugin
// catalogue would: its session (broker, runtime, stream and object tables)
// must become garbage, while Exited and the errors still work.
func TestKillReleasesSession(t *testing.T) {
	c := newTestClient(t, "builder", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // the plugin serves an artifact per Run
		if _, err := b.Run(context.Background(), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	conn := weak.Make(c.conn)
	broker := weak.Make(c.broker)
	c.mu.Unlock()
	b = nil
	c.Kill()
	// yamux's goroutines end soon after the session closes, not at once:
	// poll the collector, at most 5 s.
	deadline := time.Now().Add(5 * time.Second)
	for conn.Value() != nil || broker.Value() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("after Kill the kept Client still holds its session (runtime live: %v, broker live: %v)",
				conn.Value() != nil, broker.Value() != nil)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if !c.Exited() {
		t.Error("Exited is false after Kill")
	}
	if _, err := c.Builder(); !errors.Is(err, ErrKilled) {
		t.Errorf("Builder after Kill = %v, want ErrKilled", err)
	}
	if _, err := c.Ping(context.Background()); !errors.Is(err, ErrKilled) {
		t.Errorf("Ping after Kill = %v, want ErrKilled", err)
	}
}
