package main

import (
	"context"
	"io"
	"time"
)

// pacedReader reads from r at no more than rate bytes per second on
// average, in reads of at most a tenth of a second's worth, waiting after
// each read until the bytes read so far are due. Not safe for concurrent
// use (like any reader).
type pacedReader struct {
	r     io.Reader
	rate  int64                     // bytes per second, > 0
	now   func() time.Time          // the clock
	wait  func(time.Duration) error // blocks for a duration, or fails
	start time.Time                 // when the first read began
	n     int64                     // bytes read so far
}

// newPacedReader returns a pacedReader on the real clock whose waits end
// early, with ctx's error, when ctx ends.
func newPacedReader(ctx context.Context, r io.Reader, rate int64) *pacedReader {
	wait := func(d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return &pacedReader{r: r, rate: rate, now: time.Now, wait: wait}
}

func (p *pacedReader) Read(b []byte) (int, error) {
	if p.start.IsZero() {
		p.start = p.now()
	}
	if limit := max(p.rate/10, 1); int64(len(b)) > limit {
		b = b[:limit]
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	due := p.start.Add(time.Duration(float64(p.n) / float64(p.rate) * float64(time.Second)))
	if d := due.Sub(p.now()); n > 0 && d > 0 {
		if werr := p.wait(d); werr != nil && err == nil {
			err = werr
		}
	}
	return n, err
}
