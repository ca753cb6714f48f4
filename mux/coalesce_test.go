package mux

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
)

// recordingConn records every Write it gets. With a nil Conn it only
// records; otherwise it passes the Write on.
type recordingConn struct {
	net.Conn

	mu     sync.Mutex // guards writes
	writes [][]byte
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, bytes.Clone(p))
	r.mu.Unlock()
	if r.Conn == nil {
		return len(p), nil
	}
	return r.Conn.Write(p)
}

// snapshot returns the writes recorded so far.
func (r *recordingConn) snapshot() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.writes...)
}

// yamux frame types and flags, as its spec.md numbers them.
const (
	typeData, typeWindowUpdate, typePing, typeGoAway = 0, 1, 2, 3
	flagSYN, flagACK, flagFIN                        = 1, 2, 4
)

// frame builds a yamux frame header.
func frame(typ byte, flags uint16, streamID, length uint32) []byte {
	h := make([]byte, frameHeaderSize)
	h[0], h[1] = frameVersion, typ
	binary.BigEndian.PutUint16(h[2:], flags)
	binary.BigEndian.PutUint32(h[4:], streamID)
	binary.BigEndian.PutUint32(h[8:], length)
	return h
}

func TestCoalescingConn(t *testing.T) {
	small := bytes.Repeat([]byte("s"), 5)
	big := bytes.Repeat([]byte("B"), smallFrame+1)
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	badVersion := append([]byte{1}, frame(typeData, 0, 3, 5)[1:]...)
	tests := []struct {
		name string
		in   [][]byte // writes as yamux's send loop issues them
		want [][]byte // writes that reach the connection
	}{
		{"window update leaves at once",
			[][]byte{frame(typeWindowUpdate, flagSYN, 1, 1<<20)},
			[][]byte{frame(typeWindowUpdate, flagSYN, 1, 1<<20)}},
		{"ping leaves at once",
			[][]byte{frame(typePing, flagSYN, 0, 7)},
			[][]byte{frame(typePing, flagSYN, 0, 7)}},
		{"go-away leaves at once",
			[][]byte{frame(typeGoAway, 0, 0, 1)},
			[][]byte{frame(typeGoAway, 0, 0, 1)}},
		{"empty data frame leaves at once",
			[][]byte{frame(typeData, flagFIN, 3, 0)},
			[][]byte{frame(typeData, flagFIN, 3, 0)}},
		{"unknown version leaves at once",
			[][]byte{badVersion},
			[][]byte{badVersion}},
		{"small data frame is one write",
			[][]byte{frame(typeData, 0, 3, 5), small},
			[][]byte{cat(frame(typeData, 0, 3, 5), small)}},
		{"data frame between control frames",
			[][]byte{frame(typeWindowUpdate, 0, 3, 9), frame(typeData, flagACK, 5, 5), small, frame(typePing, flagACK, 0, 1)},
			[][]byte{frame(typeWindowUpdate, 0, 3, 9), cat(frame(typeData, flagACK, 5, 5), small), frame(typePing, flagACK, 0, 1)}},
		{"large data frame is written as a vector",
			// A conn without writev makes net.Buffers write each buffer
			// in turn, the body uncopied.
			[][]byte{frame(typeData, 0, 3, uint32(len(big))), big},
			[][]byte{frame(typeData, 0, 3, uint32(len(big))), big}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingConn{}
			c := newCoalescingConn(rec, nil)
			for i, p := range tt.in {
				if n, err := c.Write(p); n != len(p) || err != nil {
					t.Fatalf("write %d of %d bytes = %d, %v", i, len(p), n, err)
				}
			}
			if got := rec.snapshot(); !equalWrites(got, tt.want) {
				t.Errorf("writes reaching the conn:\n got %s\nwant %s", describeWrites(got), describeWrites(tt.want))
			}
		})
	}
}

// TestCoalescingConnWritev checks that on a socket a large frame leaves
// whole, header first, and that the Write reports the body's length.
func TestCoalescingConnWritev(t *testing.T) {
	c1, c2 := connPair(t, "unix")
	c := newCoalescingConn(c1, nil)
	body := pattern(smallFrame * 4)
	hdr := frame(typeData, 0, 3, uint32(len(body)))
	go func() {
		c.Write(hdr)
		c.Write(body)
	}()
	got := make([]byte, len(hdr)+len(body))
	if _, err := io.ReadFull(c2, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, append(hdr, body...)) {
		t.Fatal("the frame arrived corrupted")
	}
}

func equalWrites(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// describeWrites shows writes by length and first bytes.
func describeWrites(ws [][]byte) string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("[%d bytes % x]", len(w), w[:min(len(w), 16)]))
	}
	return strings.Join(out, " ")
}

// parseFrames splits a connection write into yamux frames, failing the
// test unless it holds whole frames.
func parseFrames(t *testing.T, w []byte) (frames [][]byte) {
	t.Helper()
	for len(w) > 0 {
		if len(w) < frameHeaderSize {
			t.Fatalf("write ends inside a frame header: % x", w)
		}
		n := frameHeaderSize
		if w[1] == frameTypeData {
			n += int(binary.BigEndian.Uint32(w[8:12]))
		}
		if len(w) < n {
			t.Fatalf("write ends inside a frame body: % x", w)
		}
		frames, w = append(frames, w[:n]), w[n:]
	}
	return frames
}

// TestOneWritePerFrame runs brokers over recording conns: a small stream
// Write costs one connection write, the stream header rides in the first
// data frame rather than a frame of its own, and so does the acceptor's
// status byte.
func TestOneWritePerFrame(t *testing.T) {
	c1, c2 := net.Pipe()
	hostRec, pluginRec := &recordingConn{Conn: c1}, &recordingConn{Conn: c2}
	cfg := testConfig()
	cfg.KeepAliveInterval = -1 // no pings in the recordings
	host, plugin := brokersOver(t, hostRec, pluginRec, cfg, cfg)

	hc, err := host.Dial(testCtx(t), 7)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	afterDial := len(hostRec.snapshot())
	if afterDial != 1 {
		t.Fatalf("Dial made %d writes, want 1 (yamux's SYN window update)", afterDial)
	}
	io.WriteString(hc, "hello")
	pc := acceptConn(t, plugin, 7)
	readN(t, pc, 5)
	io.WriteString(pc, "world")
	readN(t, hc, 5)

	wantData(t, "host's first Write", hostRec.snapshot()[afterDial:], 0, append([]byte{headerVersion, 0, 0, 0, 7}, "hello"...))
	// The plugin's first write is yamux's ACK window update, sent when the
	// broker's accept loop takes the stream.
	wantData(t, "plugin's first Write", pluginRec.snapshot(), 1, append([]byte{statusAccepted}, "world"...))
}

// wantData checks that writes[i] is exactly one data frame carrying body.
func wantData(t *testing.T, what string, writes [][]byte, i int, body []byte) {
	t.Helper()
	if len(writes) <= i {
		t.Fatalf("%s: only %d connection writes", what, len(writes))
	}
	frames := parseFrames(t, writes[i])
	if len(frames) != 1 || frames[0][1] != frameTypeData {
		t.Fatalf("%s: connection write %d holds %d frames, want one data frame", what, i, len(frames))
	}
	if got := frames[0][frameHeaderSize:]; !bytes.Equal(got, body) {
		t.Errorf("%s: data frame body % x, want % x", what, got, body)
	}
}
