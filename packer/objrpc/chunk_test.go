package objrpc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"testing"
)

// chunked returns what a ChunkWriter sends for data written in one Write
// and then Finish(failure).
func chunked(t testing.TB, data []byte, failure error) []byte {
	t.Helper()
	var out bytes.Buffer
	cw := NewChunkWriter(&out)
	if _, err := cw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := cw.Finish(failure); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestChunkRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, maxChunk - 1, maxChunk, maxChunk + 1, 3*maxChunk + 7} {
		data := randomBytes(n)
		var got bytes.Buffer
		if _, err := NewChunkReader(bytes.NewReader(chunked(t, data, nil))).WriteTo(&got); err != nil {
			t.Errorf("%d bytes: WriteTo = %v", n, err)
		}
		if !bytes.Equal(got.Bytes(), data) {
			t.Errorf("%d bytes came back as %d different bytes", n, got.Len())
		}
		// The same through ReadFrom and small Reads.
		var wire bytes.Buffer
		cw := NewChunkWriter(&wire)
		if _, err := cw.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		cw.Finish(nil)
		got.Reset()
		if _, err := io.CopyBuffer(&got, struct{ io.Reader }{NewChunkReader(&wire)}, make([]byte, 100)); err != nil || !bytes.Equal(got.Bytes(), data) {
			t.Errorf("%d bytes through ReadFrom and 100-byte reads: %d bytes, %v", n, got.Len(), err)
		}
	}
}

func TestChunkEnds(t *testing.T) {
	ok := chunked(t, []byte("hello"), nil)
	failed := chunked(t, []byte("hello"), fmt.Errorf("disk: %w", fs.ErrPermission))
	for _, c := range []struct {
		name   string
		stream []byte
		want   error // wrapped by the error after "hello" (nil: clean end)
	}{
		{"success", ok, nil},
		{"failure carries the sender's error", failed, fs.ErrPermission},
		{"truncated in a chunk", ok[:6], io.ErrUnexpectedEOF},
		{"truncated before the end marker", ok[:len(ok)-4], io.ErrUnexpectedEOF},
		{"truncated in the failure", failed[:len(failed)-1], io.ErrUnexpectedEOF},
		{"oversized chunk", binary.BigEndian.AppendUint32(nil, maxChunk+1), ErrProtocol},
		{"oversized failure", append(binary.BigEndian.AppendUint32(nil, markerFailure), 0xff, 0xff, 0xff, 0xff), ErrProtocol},
		{"empty stream", nil, io.ErrUnexpectedEOF},
	} {
		got, err := io.ReadAll(NewChunkReader(bytes.NewReader(c.stream)))
		switch {
		case c.want == nil && (err != nil || string(got) != "hello"):
			t.Errorf("%s: read %q, %v; want hello, nil", c.name, got, err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: read %q, %v; want an error wrapping %v", c.name, got, err, c.want)
		}
	}
}

func TestChunkSourceAndSinkErrors(t *testing.T) {
	var out bytes.Buffer
	cw := NewChunkWriter(&out)
	_, err := cw.ReadFrom(&failingReader{n: 10, err: errUserSentinel})
	if !IsLocal(err) || !errors.Is(err, errUserSentinel) {
		t.Errorf("ReadFrom(failing reader) = %v, want a local error wrapping the reader's", err)
	}
	cw.Finish(err)
	_, err = NewChunkReader(&out).WriteTo(&failingWriter{n: 5, err: errUserSentinel})
	if !IsLocal(err) || !errors.Is(err, errUserSentinel) {
		t.Errorf("WriteTo(failing writer) = %v, want a local error wrapping the writer's", err)
	}
}

// FuzzChunkReader feeds arbitrary peer bytes to the transfer decoder: it
// must never panic, never return more data than the stream holds, and
// always end.
func FuzzChunkReader(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0x80, 0x80})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0xc1})
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff})
	var b bytes.Buffer
	cw := NewChunkWriter(&b)
	cw.Write([]byte("some data"))
	cw.Finish(errUserSentinel)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, stream []byte) {
		got, err := io.ReadAll(NewChunkReader(bytes.NewReader(stream)))
		if len(got) > len(stream) {
			t.Fatalf("decoded %d bytes from a %d-byte stream", len(got), len(stream))
		}
		if err == nil && len(stream) < 4 {
			t.Fatalf("a %d-byte stream ended cleanly", len(stream))
		}
	})
}
