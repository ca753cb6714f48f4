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

// recordingConn records every Write it gets as a separate slice.
type recordingConn struct {
	net.Conn // nil in table tests; set when wrapping a real conn

	mu     sync.Mutex
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

// frameHeader builds a yamux frame header.
func frameHeader(typ byte, flags uint16, streamID, length uint32) []byte {
	h := make([]byte, frameHeaderSize)
	h[0], h[1] = frameVersion, typ
	binary.BigEndian.PutUint16(h[2:], flags)
	binary.BigEndian.PutUint32(h[4:], streamID)
	binary.BigEndian.PutUint32(h[8:], length)
	return h
}

func TestCoalescingConn(t *testing.T) {
	const (
		typeData, typeWindowUpdate, typePing, typeGoAway = 0, 1, 2, 3
		flagSYN, flagFIN                                 = 1, 4
	)
	small := bytes.Repeat([]byte("s"), 5)
	big := bytes.Repeat([]byte("B"), smallFrame+1)
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	tests := []struct {
		name string
		in   [][]byte // writes as yamux's send loop issues them
		want [][]byte // writes that reach the connection
	}{
		{"window update leaves at once",
			[][]byte{frameHeader(typeWindowUpdate, flagSYN, 1, 1<<20)},
			[][]byte{frameHeader(typeWindowUpdate, flagSYN, 1, 1<<20)}},
		{"ping leaves at once",
			[][]byte{frameHeader(typePing, flagSYN, 0, 7)},
			[][]byte{frameHeader(typePing, flagSYN, 0, 7)}},
		{"go away leaves at once",
			[][]byte{frameHeader(typeGoAway, 0, 0, 1)},
			[][]byte{frameHeader(typeGoAway, 0, 0, 1)}},
		{"empty data frame leaves at once",
			[][]byte{frameHeader(typeData, flagFIN, 3, 0)},
			[][]byte{frameHeader(typeData, flagFIN, 3, 0)}},
		{"unknown version leaves at once",
			[][]byte{append([]byte{1}, frameHeader(typeData, 0, 3, 5)[1:]...)},
			[][]byte{append([]byte{1}, frameHeader(typeData, 0, 3, 5)[1:]...)}},
		{"small data frame is one write",
			[][]byte{frameHeader(typeData, 0, 3, 5), small},
			[][]byte{cat(frameHeader(typeData, 0, 3, 5), small)}},
		{"data frames between controls",
			[][]byte{frameHeader(typeWindowUpdate, 0, 3, 9), frameHeader(typeData, flagSYN, 5, 5), small, frameHeader(typePing, 2, 0, 1)},
			[][]byte{frameHeader(typeWindowUpdate, 0, 3, 9), cat(frameHeader(typeData, flagSYN, 5, 5), small), frameHeader(typePing, 2, 0, 1)}},
		{"large data frame is written as a vector",
			// A plain conn has no writev: net.Buffers falls back to one
			// Write per buffer, in order and without copying the body.
			[][]byte{frameHeader(typeData, 0, 3, uint32(len(big))), big},
			[][]byte{frameHeader(typeData, 0, 3, uint32(len(big))), big}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingConn{}
			c := newCoalescingConn(rec)
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

// describeWrites shows writes by length and leading bytes.
func describeWrites(ws [][]byte) string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("[%d bytes % x]", len(w), w[:min(len(w), 16)]))
	}
	return strings.Join(out, " ")
}

// parseFrames splits a connection write into yamux frames and fails if it
// does not hold whole frames.
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

// TestOneWritePerFrame runs a real session over recording conns and checks
// that a small stream write costs one connection write, that the stream
// header rides in the first data frame instead of a frame of its own, and
// that so does the acceptor's status byte.
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

	hostWrites := hostRec.snapshot()[afterDial:]
	wantData(t, "host's first Write", hostWrites, 0, append([]byte{headerVersion, 0, 0, 0, 7}, "hello"...))
	pluginWrites := pluginRec.snapshot()
	// The plugin's first write is yamux's ACK window update, sent when the
	// broker's accept loop takes the stream.
	wantData(t, "plugin's first Write", pluginWrites, 1, append([]byte{statusAccepted}, "world"...))
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
