package mux

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// rawFrame encodes a frame for a hand-written peer.
func rawFrame(typ uint8, flags uint16, id uint32, body []byte, length uint32) []byte {
	h := makeHeader(typ, flags, id, length)
	return append(h[:], body...)
}

// readFrames reads frames from a hand-written peer's end until EOF.
func readFrames(t *testing.T, c net.Conn) []frameHeader {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var hs []frameHeader
	for {
		var h frameHeader
		if _, err := io.ReadFull(c, h[:]); err != nil {
			return hs
		}
		if h.typ() == frameData {
			io.CopyN(io.Discard, c, int64(h.length()))
		}
		hs = append(hs, h)
	}
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  string // in the session's error
	}{
		{"bad version", []byte{1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, "frame version 1"},
		{"unknown type", rawFrame(9, 0, 1, nil, 0), "unknown frame type 9"},
		{"data on stream 0", rawFrame(frameData, 0, 0, []byte("x"), 1), "data frame for stream 0"},
		{"peer opens our id", rawFrame(frameWindowUpdate, flagSYN, 2, nil, 0), "an id of this side"},
		{"opened twice", append(rawFrame(frameWindowUpdate, flagSYN, 1, nil, 0), rawFrame(frameWindowUpdate, flagSYN, 1, nil, 0)...), "opened stream 1 twice"},
		{"window overrun", rawFrame(frameData, flagSYN, 1, make([]byte, initialWindow+1), initialWindow+1), "left in its window"},
		{"go-away protocol", rawFrame(frameGoAway, 0, 0, nil, goAwayProtocol), "protocol error"},
		{"go-away unknown code", rawFrame(frameGoAway, 0, 0, nil, 77), "go-away code 77"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer, c := connPair(t, "tcp")
			ours := ourPeer(t, c, false, nil)
			go peer.Write(tt.input)
			frames := readFrames(t, peer)
			<-ours.done
			if !errors.Is(ours.err, ErrClosed) || !strings.Contains(ours.err.Error(), tt.want) {
				t.Fatalf("session error %q, want ErrClosed and %q", ours.err, tt.want)
			}
			if strings.HasPrefix(tt.name, "go-away") {
				return
			}
			if !errors.Is(ours.err, ErrProtocol) {
				t.Errorf("session error %q does not wrap ErrProtocol", ours.err)
			}
			if n := len(frames); n == 0 || frames[n-1].typ() != frameGoAway || frames[n-1].length() != goAwayProtocol {
				t.Errorf("frames sent %v, want a protocol go-away last", frames)
			}
		})
	}
}

// TestUnknownStreamData checks that data for a stream that is gone is
// discarded without ending the session, like yamux does.
func TestUnknownStreamData(t *testing.T) {
	peer, c := connPair(t, "tcp")
	ours := ourPeer(t, c, false, nil)
	in := append(rawFrame(frameData, 0, 7, []byte("late bytes"), 10), rawFrame(framePing, flagSYN, 0, nil, 42)...)
	if _, err := peer.Write(in); err != nil {
		t.Fatal(err)
	}
	var h frameHeader
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(peer, h[:]); err != nil {
		t.Fatalf("no answer to the ping: %v", err)
	}
	if h.typ() != framePing || h.flags() != flagACK || h.length() != 42 {
		t.Errorf("answer %v, want the ping's ACK with 42", &h)
	}
	if ours.isDone() {
		t.Errorf("session ended: %v", ours.err)
	}
}

// TestSessionLossIsAnError checks that a stream Read after the connection
// broke reports the loss once the buffered bytes are read, rather than a
// clean end of stream.
func TestSessionLossIsAnError(t *testing.T) {
	peer, c := connPair(t, "tcp")
	ours := ourPeer(t, c, false, nil)
	if _, err := peer.Write(rawFrame(frameData, flagSYN, 1, []byte("partial"), 7)); err != nil {
		t.Fatal(err)
	}
	st, err := ours.accept()
	if err != nil {
		t.Fatal(err)
	}
	peer.Close()
	got, err := io.ReadAll(st)
	if string(got) != "partial" || err == nil || errors.Is(err, io.EOF) || !errors.Is(err, ErrClosed) {
		t.Errorf("ReadAll = %q, %v; want the bytes, then an error wrapping ErrClosed", got, err)
	}
}

// TestRecvBuf checks the receive queue: tiny writes pack into chunks, reads
// of any size return the bytes in order, and reset empties it.
func TestRecvBuf(t *testing.T) {
	var q recvBuf
	var want bytes.Buffer
	for i := 0; i < 3000; i++ {
		p := bytes.Repeat([]byte{byte(i)}, i%7+1)
		want.Write(p)
		q.write(p)
	}
	big := getChunk(bigChunk)[:bigChunk]
	for i := range big {
		big[i] = byte(i * 7)
	}
	want.Write(big)
	q.push(big)
	if q.Len() != want.Len() {
		t.Fatalf("Len = %d, want %d", q.Len(), want.Len())
	}
	if n := len(q.chunks); n > want.Len()/smallChunk+3 {
		t.Errorf("%d chunks for %d bytes: small writes are not packed", n, want.Len())
	}
	var got bytes.Buffer
	for sizes := []int{1, 5, 4096, 333, 70000}; q.Len() > 0; sizes = append(sizes[1:], sizes[0]) {
		p := make([]byte, sizes[0])
		got.Write(p[:q.read(p)])
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatal("bytes read differ from bytes written")
	}
	q.write([]byte("again"))
	q.reset()
	if q.Len() != 0 || q.read(make([]byte, 8)) != 0 {
		t.Error("reset left bytes behind")
	}
}

// FuzzSession feeds arbitrary bytes to a session as its peer's frames. The
// session must answer or end with an error, never panic or hang.
func FuzzSession(f *testing.F) {
	f.Add(rawFrame(framePing, flagSYN, 0, nil, 1))
	f.Add(rawFrame(frameData, flagSYN, 1, []byte("hello"), 5))
	f.Add(append(rawFrame(frameWindowUpdate, flagSYN, 1, nil, 1<<20), rawFrame(frameData, flagFIN, 1, []byte("x"), 1)...))
	f.Add(rawFrame(frameWindowUpdate, flagRST, 3, nil, 0))
	f.Add(rawFrame(frameGoAway, 0, 0, nil, 0))
	f.Fuzz(func(t *testing.T, in []byte) {
		peer, c := net.Pipe()
		defer peer.Close()
		cfg, _ := (&Config{Logger: discardLogger, AcceptBacklog: 4}).withDefaults()
		s := newSession(c, cfg, false)
		defer s.close()
		go io.Copy(io.Discard, peer)
		go func() {
			for {
				st, err := s.accept()
				if err != nil {
					return
				}
				go func() { io.Copy(io.Discard, st); st.Close() }()
			}
		}()
		peer.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := peer.Write(in); err != nil && !s.isDone() {
			t.Fatalf("session stopped reading: %v", err)
		}
	})
}

// TestWindowAccounting moves many windows' worth of bytes through a stream
// with the smallest window while its reader takes small bites, so that
// window updates are computed while frames are still arriving. The
// sender's and receiver's views of the window must never disagree (a
// disagreement ends the session with ErrProtocol).
func TestWindowAccounting(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		c1, c2 := connPair(t, network)
		cfg := testConfig()
		cfg.StreamWindow = MinStreamWindow
		sender := ourPeer(t, c1, true, cfg)
		receiver := ourPeer(t, c2, false, cfg)
		st, err := sender.open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		const total = 80 * 200 << 10
		go func() {
			chunk := make([]byte, 200<<10)
			for sent := 0; sent < total; sent += len(chunk) {
				if _, err := st.Write(chunk); err != nil {
					return
				}
			}
			st.Close()
		}()
		in, err := receiver.accept()
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1000)
		got := 0
		for {
			n, err := in.Read(buf)
			got += n
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("after %d bytes: %v", got, err)
			}
		}
		if got != total {
			t.Fatalf("received %d bytes, want %d", got, total)
		}
	})
}
