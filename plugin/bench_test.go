package plugin

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// BenchmarkStart compares launching a plugin until its first call returns
// with a bare exec of the same binary until its first stdout line.
func BenchmarkStart(b *testing.B) {
	b.Run("bare-exec", func(b *testing.B) {
		for range b.N {
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
			b.StopTimer()
			stdin.Close()
			cmd.Wait()
			b.StartTimer()
		}
	})
	b.Run("plugin-first-component-call", func(b *testing.B) {
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
			b.StartTimer()
		}
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
// raw TCP ping-pong of the same payload with another process.
func BenchmarkCall(b *testing.B) {
	payload := strings.Repeat("x", 64)
	b.Run("tcp-pingpong", func(b *testing.B) {
		conn := dialEchoHelper(b)
		buf := make([]byte, len(payload))
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := io.WriteString(conn, payload); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != payload {
				b.Fatalf("echo %q, %v", buf, err)
			}
		}
	})
	b.Run("plugin-call", func(b *testing.B) {
		c := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: discardLogger()})
		b.Cleanup(c.Kill)
		if _, err := c.Start(); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			var reply string
			if err := callRPC(ctx, c.rpc, "Test.Echo", payload, &reply, c.wrapTransport); err != nil || reply != payload {
				b.Fatalf("Echo = %q, %v", reply, err)
			}
		}
	})
}

// BenchmarkComponentCall is a small component call (Builder.Prepare with a
// 64-byte argument, returning one warning) through a real plugin process.
func BenchmarkComponentCall(b *testing.B) {
	c := NewClient(&ClientConfig{Cmd: helperCmd("builder"), Logger: discardLogger()})
	b.Cleanup(c.Kill)
	builder, err := c.Builder()
	if err != nil {
		b.Fatal(err)
	}
	payload := strings.Repeat("x", 64)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if warns, err := builder.Prepare(payload); err != nil || len(warns) != 1 || warns[0] != "got 1 raws" {
			b.Fatalf("Prepare = %q, %v", warns, err)
		}
	}
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
