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
// connection's bytes back in pingSize messages.
func echoMain() int {
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
		}()
	}
}

// dialEcho starts an echo child and connects to it.
func dialEcho(b *testing.B) net.Conn {
	addr := startChild(b, "echo")
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
