package plugin

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// BenchmarkSecondComponent compares what one more component costs: a
// fresh instance from a plugin process already running (a Control call,
// an instance, a stream of its own, then its first call) against a second
// process (exec, handshake, connect, then its first call). Each iteration
// ends with the component's first call returning its answer; the second
// process is killed off the clock.
func BenchmarkSecondComponent(b *testing.B) {
	ctx := context.Background()
	b.Run("component-of-running-process", func(b *testing.B) {
		c := NewClient(&ClientConfig{Cmd: helperCmd("set"), Logger: discardLogger()})
		b.Cleanup(c.Kill)
		if _, err := c.BuilderNamed(ctx, "counter"); err != nil { // the first component
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			builder, err := c.BuilderNamed(ctx, "counter")
			if err != nil {
				b.Fatal(err)
			}
			if w, err := builder.Prepare("Count"); err != nil || len(w) != 1 || w[0] != "1" {
				b.Fatalf("Prepare = %q, %v", w, err)
			}
		}
	})
	b.Run("second-process", func(b *testing.B) {
		first := NewClient(&ClientConfig{Cmd: helperCmd("set"), Logger: discardLogger()})
		b.Cleanup(first.Kill)
		if _, err := first.BuilderNamed(ctx, "counter"); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			c := NewClient(&ClientConfig{Cmd: helperCmd("set"), Logger: discardLogger()})
			builder, err := c.BuilderNamed(ctx, "counter")
			if err != nil {
				b.Fatal(err)
			}
			if w, err := builder.Prepare("Count"); err != nil || len(w) != 1 || w[0] != "1" {
				b.Fatalf("Prepare = %q, %v", w, err)
			}
			b.StopTimer()
			c.Kill()
			b.StartTimer()
		}
	})
}

// BenchmarkLogCalls is BenchmarkCall's small call with the per-call debug
// records off (the default), and on with a logger that formats each
// record and discards it. x-floor (see BenchmarkCall) makes the two
// comparable across machine load.
func BenchmarkLogCalls(b *testing.B) {
	payload := strings.Repeat("x", 64)
	for _, c := range []struct {
		name   string
		on     bool
		logger *slog.Logger
	}{
		{"off", false, discardLogger()},
		{"on", true, discardDebug()},
	} {
		b.Run(c.name, func(b *testing.B) {
			client := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: c.logger, LogCalls: c.on})
			b.Cleanup(client.Kill)
			builder, err := client.Builder()
			if err != nil {
				b.Fatal(err)
			}
			floor := newFloor(b, payload)
			b.ReportAllocs()
			b.ResetTimer()
			floor.run(b, func() {
				if w, err := builder.Prepare("Echo", payload); err != nil || len(w) != 1 || w[0] != payload {
					b.Fatalf("Echo = %q, %v", w, err)
				}
			})
		})
	}
}
