package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// fakeTime is a clock that moves only when the pacer waits on it.
type fakeTime struct {
	t     time.Time
	waits []time.Duration
}

func (f *fakeTime) now() time.Time { return f.t }

func (f *fakeTime) wait(d time.Duration) error {
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	return nil
}

func TestPacedReader(t *testing.T) {
	tests := []struct {
		name       string
		size, rate int64
		want       time.Duration // the time the transfer takes
	}{
		{"1 MiB at 256 KiB/s", 1 << 20, 256 << 10, 4 * time.Second},
		{"10 bytes at 4 B/s", 10, 4, 2500 * time.Millisecond},
		{"16 MiB at 10 MiB/s", 16 << 20, 10 << 20, 1600 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeTime{t: time.Unix(1000, 0)}
			start := clock.t
			src := bytes.NewReader(make([]byte, tt.size))
			r := &pacedReader{r: src, rate: tt.rate, now: clock.now, wait: clock.wait}
			buf := make([]byte, 1<<20)
			var n int64
			for reads := 0; ; reads++ {
				if reads > 1000 {
					t.Fatal("no end after 1000 reads")
				}
				got, err := r.Read(buf)
				if int64(got) > max(tt.rate/10, 1) {
					t.Fatalf("read %d bytes at once, want at most a tenth of a second's worth (%d)", got, max(tt.rate/10, 1))
				}
				n += int64(got)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if n != tt.size {
				t.Errorf("read %d bytes, want %d", n, tt.size)
			}
			if took := clock.t.Sub(start); took != tt.want {
				t.Errorf("the transfer took %v, want %v", took, tt.want)
			}
		})
	}
}

func TestPacedReaderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := newPacedReader(ctx, bytes.NewReader(make([]byte, 100)), 10)
	var err error
	for i := 0; i < 3 && err == nil; i++ {
		_, err = r.Read(make([]byte, 100))
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context: %v, want context.Canceled", err)
	}
}
