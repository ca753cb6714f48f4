package bench

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
)

// pingSize is the size of one floor message, about that of a small call.
const pingSize = 64

// echoMain listens on loopback TCP, prints its address and echoes every
// connection's bytes back.
func echoMain() int {
	return serveEcho(func(c net.Conn) {
		buf := make([]byte, 1<<20)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
	})
}

// handoffEchoMain is echoMain with one goroutine hand-off per message: a
// reader goroutine passes each pingSize message it reads to the writing
// goroutine, the way a multiplexer's receive loop passes a frame to its
// stream's reader.
func handoffEchoMain() int {
	return serveEcho(func(c net.Conn) {
		for msg := range readMessages(c) {
			if _, err := c.Write(msg); err != nil {
				return
			}
		}
	})
}

// serveEcho listens on loopback TCP, prints its address and runs echo on
// every connection, which it closes afterwards.
func serveEcho(echo func(net.Conn)) int {
	exitOnStdinEOF()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(l.Addr())
	for {
		c, err := l.Accept()
		if err != nil {
			return 1
		}
		go func() {
			defer c.Close()
			echo(c)
		}()
	}
}

// readMessages reads pingSize messages from c on a goroutine of its own
// and hands each over on the returned channel, which is closed when c
// fails. Each message is valid until the next one is received.
func readMessages(c net.Conn) <-chan []byte {
	ch := make(chan []byte)
	go func() {
		defer close(ch)
		bufs := [2][]byte{make([]byte, pingSize), make([]byte, pingSize)}
		for i := 0; ; i++ {
			buf := bufs[i%2]
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			ch <- buf
		}
	}()
	return ch
}

// dialEcho starts an echo child and connects to it.
func dialEcho(b *testing.B) net.Conn {
	return dialChild(b, "echo")
}

// dialChild starts a child in role, which prints its address, and
// connects to it.
func dialChild(b *testing.B, role string) net.Conn {
	addr := startChild(b, role)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// pingPong sends one pingSize message and reads it back.
func pingPong(c net.Conn, out, in []byte) error {
	if _, err := c.Write(out); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, in); err != nil {
		return err
	}
	if !bytes.Equal(in, out) {
		return fmt.Errorf("echo: got %x, want %x", in, out)
	}
	return nil
}

// BenchmarkFloorTCPChild is the floor for calls into a plugin: a 64-byte
// ping-pong with another process over loopback TCP.
func BenchmarkFloorTCPChild(b *testing.B) {
	c := dialEcho(b)
	out, in := bytes.Repeat([]byte{'p'}, pingSize), make([]byte, pingSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := pingPong(c, out, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorTCPChild101 is the floor for a call that makes 100
// callbacks: 101 ping-pongs.
func BenchmarkFloorTCPChild101(b *testing.B) {
	c := dialEcho(b)
	out, in := bytes.Repeat([]byte{'p'}, pingSize), make([]byte, pingSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 101; j++ {
			if err := pingPong(c, out, in); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFloorTCPChildHandoff is the floor for any multiplexer with a
// receive goroutine per connection, muxplug's, yamux's and go-plugin's
// alike: the ping-pong of BenchmarkFloorTCPChild with one goroutine
// hand-off per message on each side (a reader goroutine passes the
// message on through a channel).
func BenchmarkFloorTCPChildHandoff(b *testing.B) {
	c := dialChild(b, "echo-handoff")
	replies := readMessages(c)
	out := bytes.Repeat([]byte{'p'}, pingSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(out); err != nil {
			b.Fatal(err)
		}
		if in, ok := <-replies; !ok || !bytes.Equal(in, out) {
			b.Fatalf("echo: got %x, want %x", in, out)
		}
	}
}
