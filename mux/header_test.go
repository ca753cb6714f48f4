package mux

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestStreamHeader(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		wantID  uint32
		wantErr bool
	}{
		{"main service", []byte{1, 0, 0, 0, 0}, 0, false},
		{"small id", []byte{1, 0, 0, 0, 7}, 7, false},
		{"big-endian", []byte{1, 1, 2, 3, 4}, 0x01020304, false},
		{"largest id", []byte{1, 255, 255, 255, 255}, math.MaxUint32, false},
		{"empty", nil, 0, true},
		{"short", []byte{1, 0, 0, 7}, 0, true},
		{"long", []byte{1, 0, 0, 0, 7, 0}, 0, true},
		{"version 0", []byte{0, 0, 0, 0, 7}, 0, true},
		{"version 2", []byte{2, 0, 0, 0, 7}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := decodeHeader(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadHeader) {
					t.Errorf("decodeHeader(% x) = %d, %v; want ErrBadHeader", tt.in, id, err)
				}
				return
			}
			if err != nil || id != tt.wantID {
				t.Errorf("decodeHeader(% x) = %d, %v; want %d", tt.in, id, err, tt.wantID)
			}
			if h := encodeHeader(id); !bytes.Equal(h[:], tt.in) {
				t.Errorf("encodeHeader(%d) = % x, want % x", id, h, tt.in)
			}
		})
	}
}

func TestRejectError(t *testing.T) {
	tests := []struct {
		name   string
		status byte
		want   error
	}{
		{"accept timeout", statusAcceptTimeout, ErrAcceptTimeout},
		{"duplicate", statusDuplicate, ErrDuplicateID},
		{"closing", statusClosing, ErrClosed},
		{"bad header", statusBadHeader, ErrBadHeader},
		{"unknown code", 200, ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rejectError(12, tt.status)
			wantErrIs(t, "rejectError", err, ErrRejected, tt.want)
			if want := "stream 12"; !bytes.Contains([]byte(err.Error()), []byte(want)) {
				t.Errorf("rejectError(12, %d) = %q, does not name the id", tt.status, err)
			}
		})
	}
}

// FuzzStreamHeader checks that the decoder of the peer's stream header
// never panics and accepts exactly what the encoder produces.
func FuzzStreamHeader(f *testing.F) {
	for _, seed := range [][]byte{
		{1, 0, 0, 0, 0},
		{1, 0, 0, 0, 7},
		{1, 255, 255, 255, 255},
		{0, 0, 0, 0, 0},
		{2, 1, 2, 3, 4},
		{1, 0, 0},
		{},
		{1, 0, 0, 0, 1, 99},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodeHeader(b)
		if err != nil {
			if !errors.Is(err, ErrBadHeader) {
				t.Fatalf("decodeHeader(% x) error %v does not wrap ErrBadHeader", b, err)
			}
			return
		}
		if h := encodeHeader(id); !bytes.Equal(h[:], b) {
			t.Fatalf("decodeHeader(% x) = %d, but encodeHeader(%d) = % x", b, id, id, h)
		}
	})
}
