package plugin

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// BenchmarkStart compares launching a plugin until its first call returns
// with a bare exec of the same binary until its first stdout line. The
// plugin runs also time one bare exec per iteration, off the clock, and
// report the ratio as x-exec: both then see the same machine load.
func BenchmarkStart(b *testing.B) {
	b.Run("bare-exec", func(b *testing.B) {
		for range b.N {
			bareExec(b)
		}
	})
	b.Run("plugin-first-component-call", func(b *testing.B) {
		var floor time.Duration
		for range b.N {
			c := NewClient(&ClientConfig{Cmd: helperCmd("builder"), Logger: discardLogger()})
			builder, err := c.Builder()
			if err != nil {
				b.Fatal(err)
			}
			if warns, err := builder.Prepare("x"); err != nil || len(warns) != 1 {
				b.Fatalf("Prepare = %q, %v", warns, err)
			}
			b.StopTimer()
			c.Kill()
			floor += bareExec(b)
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed())/float64(floor), "x-exec")
	})
	b.Run("plugin-first-call", func(b *testing.B) {
		for range b.N {
			c := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: discardLogger()})
			if _, err := c.Start(); err != nil {
				b.Fatal(err)
			}
			var reply string
			if err := call(c, "Echo", "hi", &reply); err != nil || reply != "hi" {
				b.Fatalf("Echo = %q, %v", reply, err)
			}
			b.StopTimer()
			c.Kill()
			b.StartTimer()
		}
	})
}

// BenchmarkCall compares a small call through a real plugin process with a
// raw TCP ping-pong of the same payload with another process. The
// plugin-call run alternates blocks of back-to-back calls with blocks of
// as many back-to-back ping-pongs (off the clock) and reports the ratio of
// their times as x-floor, so that both see the same machine load however
// it drifts.
func BenchmarkCall(b *testing.B) {
	payload := strings.Repeat("x", 64)
	b.Run("tcp-pingpong", func(b *testing.B) {
		conn := dialEchoHelper(b)
		buf := make([]byte, len(payload))
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			pingPong(b, conn, payload, buf)
		}
	})
	b.Run("plugin-call", func(b *testing.B) {
		c := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: discardLogger()})
		b.Cleanup(c.Kill)
		if _, err := c.Start(); err != nil {
			b.Fatal(err)
		}
		builder, err := c.Builder()
		if err != nil {
			b.Fatal(err)
		}
		floor := newFloor(b, payload)
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		b.ResetTimer()
		floor.run(b, func() {
			if w, err := builder.Prepare("Echo", payload); err != nil || len(w) != 1 || w[0] != payload {
				b.Fatalf("Echo = %q, %v", w, err)
			}
		})
	})
}

// BenchmarkComponentCall is a small component call (Builder.Prepare with a
// 64-byte argument, returning one warning) through a real plugin process,
// with x-floor as in BenchmarkCall.
func BenchmarkComponentCall(b *testing.B) {
	c := NewClient(&ClientConfig{Cmd: helperCmd("builder"), Logger: discardLogger()})
	b.Cleanup(c.Kill)
	builder, err := c.Builder()
	if err != nil {
		b.Fatal(err)
	}
	payload := strings.Repeat("x", 64)
	floor := newFloor(b, payload)
	b.ReportAllocs()
	b.ResetTimer()
	floor.run(b, func() {
		if warns, err := builder.Prepare(payload); err != nil || len(warns) != 1 || warns[0] != "got 1 raws" {
			b.Fatalf("Prepare = %q, %v", warns, err)
		}
	})
}

// floorBlock is how many calls, then ping-pongs, floor.run times in a row.
const floorBlock = 50

// floor times blocks of back-to-back ping-pongs with the echo helper
// between blocks of a benchmark's operations.
type floor struct {
	conn    net.Conn
	payload string
	buf     []byte
}

func newFloor(b *testing.B, payload string) *floor {
	return &floor{conn: dialEchoHelper(b), payload: payload, buf: make([]byte, len(payload))}
}

// run does op b.N times in blocks of floorBlock, each followed by as many
// ping-pongs off the clock, and reports x-floor: the time of the
// operations over the time of the ping-pongs.
func (f *floor) run(b *testing.B, op func()) {
	var ops, pings time.Duration
	for done := 0; done < b.N; {
		n := min(floorBlock, b.N-done)
		start := time.Now()
		for range n {
			op()
		}
		ops += time.Since(start)
		b.StopTimer()
		for range n {
			pings += pingPong(b, f.conn, f.payload, f.buf)
		}
		b.StartTimer()
		done += n
	}
	b.ReportMetric(float64(ops)/float64(pings), "x-floor")
}

// dialEchoHelper starts the "echo" helper and connects to it.
func dialEchoHelper(b *testing.B) net.Conn {
	b.Helper()
	cmd := helperCmd("echo")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", strings.TrimSpace(addr), 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return conn
}

// bareExec starts the "bare" helper, waits for its first stdout line and
// returns how long that took; the process is reaped off the clock.
func bareExec(b *testing.B) time.Duration {
	b.Helper()
	start := time.Now()
	cmd := helperCmd("bare")
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		b.Fatalf("first line %q, %v", line, err)
	}
	took := time.Since(start)
	b.StopTimer()
	stdin.Close()
	cmd.Wait()
	b.StartTimer()
	return took
}

// pingPong sends payload to the echo helper on conn, reads it back and
// returns how long that took.
func pingPong(b *testing.B, conn net.Conn, payload string, buf []byte) time.Duration {
	b.Helper()
	start := time.Now()
	if _, err := io.WriteString(conn, payload); err != nil {
		b.Fatal(err)
	}
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != payload {
		b.Fatalf("echo %q, %v", buf, err)
	}
	return time.Since(start)
}
