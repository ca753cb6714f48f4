package bench

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/yamux"
	"github.com/muxplug/muxplug/mux"
)

// The floors: what a child process costs with no RPC at all, over the
// same Unix sockets the plugins use. The floor child serves each
// connection in the mode its first byte names: echo, bulk, or a
// hashicorp/yamux session whose every stream names its own mode the same
// way.

const (
	modeEcho  = 'e' // echo every byte back
	modeBulk  = 'b' // read an 8-byte big-endian count, send that many bytes
	modeYamux = 'y' // run a yamux server; each stream names its own mode

	pingSize  = 64       // one floor message, about the size of a small call
	bulkSize  = 64 << 20 // the bytes of one bulk transfer
	bulkWrite = 1 << 20  // the size of each write of a bulk transfer
	bulkByte  = 'u'      // every byte of a bulk transfer
)

// floorYamuxConfig is the yamux.Config that mux.Config's zero value
// makes: the floor's session is tuned as a muxplug session is.
func floorYamuxConfig() *yamux.Config {
	c := yamux.DefaultConfig()
	c.MaxStreamWindowSize = mux.DefaultStreamWindow
	c.KeepAliveInterval = mux.DefaultKeepAliveInterval
	c.ConnectionWriteTimeout = mux.DefaultConnectionWriteTimeout
	c.AcceptBacklog = mux.DefaultAcceptBacklog
	c.StreamOpenTimeout = mux.DefaultStreamOpenTimeout
	c.StreamCloseTimeout = mux.DefaultStreamCloseTimeout
	c.LogOutput = io.Discard
	return c
}

// floorMain listens on the Unix socket addrEnv names, prints its address
// and serves every connection by its mode.
func floorMain() int {
	exitOnStdinEOF()
	l, err := net.Listen("unix", os.Getenv(addrEnv))
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
		go serveFloor(c, true)
	}
}

// serveFloor serves c in the mode its first byte names, then closes it.
// Streams of a yamux session may not start another.
func serveFloor(c net.Conn, yamuxOK bool) {
	defer c.Close()
	var mode [1]byte
	if _, err := io.ReadFull(c, mode[:]); err != nil {
		return
	}
	switch {
	case mode[0] == modeEcho:
		echo(c)
	case mode[0] == modeBulk:
		sendBulk(c)
	case mode[0] == modeMux && yamuxOK:
		serveMux(c)
	case mode[0] == modeYamux && yamuxOK:
		sess, err := yamux.Server(c, floorYamuxConfig())
		if err != nil {
			return
		}
		for {
			st, err := sess.AcceptStream()
			if err != nil {
				return
			}
			go serveFloor(st, false)
		}
	}
}

// echo writes back whatever c receives.
func echo(c net.Conn) {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// sendBulk answers each 8-byte count with that many bulk bytes.
func sendBulk(c net.Conn) {
	buf := bytes.Repeat([]byte{bulkByte}, bulkWrite)
	var count [8]byte
	for {
		if _, err := io.ReadFull(c, count[:]); err != nil {
			return
		}
		for left := int64(binary.BigEndian.Uint64(count[:])); left > 0; left -= bulkWrite {
			if _, err := c.Write(buf[:min(left, bulkWrite)]); err != nil {
				return
			}
		}
	}
}

// floor is the host's end of a floor child.
type floor struct {
	addr string
	sess *yamux.Session // on a connection in modeYamux
}

// startFloor starts a floor child on a socket in a fresh directory.
func startFloor(b *testing.B) *floor {
	addr := filepath.Join(b.TempDir(), "floor")
	f := &floor{addr: startChild(b, "floor", addrEnv+"="+addr)}
	c := f.dial(b, modeYamux)
	sess, err := yamux.Client(c, floorYamuxConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sess.Close() })
	f.sess = sess
	return f
}

// dial opens a raw connection to the floor child in mode.
func (f *floor) dial(b *testing.B, mode byte) net.Conn {
	c, err := net.Dial("unix", f.addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte{mode}); err != nil {
		b.Fatal(err)
	}
	return c
}

// stream opens a yamux stream to the floor child in mode.
func (f *floor) stream(b *testing.B, mode byte) net.Conn {
	st, err := f.sess.OpenStream()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Write([]byte{mode}); err != nil {
		b.Fatal(err)
	}
	return st
}

// pingPonger returns an op that makes n ping-pongs of pingSize bytes, each
// checked, over c; each operation is times ping-pongs.
func pingPonger(c net.Conn, times int) func(int) (time.Duration, error) {
	out, in := bytes.Repeat([]byte{'p'}, pingSize), make([]byte, pingSize)
	return timed(func(n int) error {
		for i := 0; i < n*times; i++ {
			if _, err := c.Write(out); err != nil {
				return err
			}
			if _, err := io.ReadFull(c, in); err != nil {
				return err
			}
			if !bytes.Equal(in, out) {
				return fmt.Errorf("echo: got %q, want %q", in, out)
			}
		}
		return nil
	})
}

// bulkReceiver returns an op that asks for n transfers of bulkSize bytes
// over c and reads them in bulkWrite reads, checking each.
func bulkReceiver(c net.Conn) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		var count [8]byte
		binary.BigEndian.PutUint64(count[:], uint64(n)*bulkSize)
		if _, err := c.Write(count[:]); err != nil {
			return err
		}
		w := &bulkChecker{}
		if _, err := io.CopyBuffer(w, io.LimitReader(c, int64(n)*bulkSize), make([]byte, bulkWrite)); err != nil {
			return err
		}
		return w.check(int64(n) * bulkSize)
	})
}

// bulkChecker counts the bytes written to it and checks the first and
// last of every write (all bulk bytes are bulkByte). It does not
// implement io.ReaderFrom, so io.CopyBuffer uses its buffer.
type bulkChecker struct {
	n   int64
	bad bool
}

func (w *bulkChecker) Write(p []byte) (int, error) {
	if len(p) > 0 && (p[0] != bulkByte || p[len(p)-1] != bulkByte) {
		w.bad = true
	}
	w.n += int64(len(p))
	return len(p), nil
}

// check reports whether exactly want good bytes arrived.
func (w *bulkChecker) check(want int64) error {
	if w.bad || w.n != want {
		return fmt.Errorf("bulk: got %d bytes (corrupted: %v), want %d", w.n, w.bad, want)
	}
	return nil
}
