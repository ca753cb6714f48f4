package termui

import (
	"io"
	"sync"
	"time"
)

// tracker is the reader TrackProgress returns: it counts what is read
// through it and has the console show it. Read must not be called
// concurrently with itself (as for any reader); Close may be called from
// any goroutine, at any time, many times.
type tracker struct {
	c      *console
	label  string // the line prefix and the source's name
	base   int64  // bytes transferred before stream
	total  int64  // 0 or less if unknown
	start  time.Time
	stream io.ReadCloser

	closeOnce sync.Once
	closeErr  error

	// Guarded by c.mu:
	done     int64     // bytes transferred, base included
	lastShow time.Time // when the bar was drawn or the line printed last
	rightW   int       // the widest figures after the bar so far
	closed   bool
}

func newTracker(c *console, label string, current, total int64, stream io.ReadCloser) *tracker {
	t := &tracker{c: c, label: label, base: current, total: total, stream: stream, done: current}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.start = c.s.now()
	t.lastShow = t.start
	if c.s.bar {
		c.bars = append(c.bars, t)
		c.redrawLocked()
	}
	return t
}

// Read reads from the stream and shows the progress when it is time to.
func (t *tracker) Read(p []byte) (int, error) {
	n, err := t.stream.Read(p)
	if n > 0 {
		t.advance(int64(n))
	}
	return n, err
}

func (t *tracker) advance(n int64) {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.closed {
		return
	}
	t.done += n
	now := c.s.now()
	interval := c.s.lineInterval
	if c.s.bar {
		interval = BarInterval
	}
	if now.Sub(t.lastShow) < interval {
		return
	}
	t.lastShow = now
	if c.s.bar {
		c.redrawLocked()
	} else {
		c.writeLocked(false, t.lineLocked(now)+"\n")
	}
}

// Close closes the stream and shows the summary of the transfer in place
// of its bar. Only the first call does so; every call returns the
// stream's Close error.
func (t *tracker) Close() error {
	t.closeOnce.Do(func() {
		t.closeErr = t.stream.Close()
		c := t.c
		c.mu.Lock()
		defer c.mu.Unlock()
		t.closed = true
		final := t.summaryLocked(c.s.now())
		if c.s.bar {
			c.removeBarLocked(t, final)
		} else {
			c.writeLocked(false, final+"\n")
		}
	})
	return t.closeErr
}

// rateLocked returns the bytes per second read through the tracker since
// it began, or 0 before anything was read.
func (t *tracker) rateLocked(now time.Time) float64 {
	elapsed := now.Sub(t.start).Seconds()
	if elapsed <= 0 || t.done <= t.base {
		return 0
	}
	return float64(t.done-t.base) / elapsed
}

// etaLocked returns the time left at the current rate, and whether it is
// known.
func (t *tracker) etaLocked(now time.Time) (time.Duration, bool) {
	rate := t.rateLocked(now)
	if t.total <= 0 || rate <= 0 {
		return 0, false
	}
	left := float64(max(t.total-t.done, 0)) / rate
	return time.Duration(left * float64(time.Second)), true
}

// barLocked renders the bar line in at most width columns.
func (t *tracker) barLocked(width int) string {
	now := t.c.s.now()
	rate := t.rateLocked(now)
	if t.total <= 0 {
		return fit(t.label+" "+humanBytes(t.done)+" "+humanRate(rate), width)
	}
	eta, ok := t.etaLocked(now)
	total := humanBytes(t.total)
	// Fixed-width fields keep the bar's width steady as the figures change.
	right := " " + padLeft(percent(t.done, t.total)+"%", 4) + " " + padLeft(humanBytes(t.done), len(total)) + "/" + total +
		" " + padLeft(humanRate(rate), 10) + " ETA " + padRight(etaString(eta, ok), 5)
	t.rightW = max(t.rightW, len(right)) // the bar may narrow, never widen
	return barLine(t.label, right, float64(min(t.done, t.total))/float64(t.total), width, t.rightW)
}

// lineLocked renders a plain progress line.
func (t *tracker) lineLocked(now time.Time) string {
	line := t.label + ": " + t.amountLocked() + ", " + humanRate(t.rateLocked(now))
	if eta, ok := t.etaLocked(now); ok {
		line += ", ETA " + etaString(eta, true)
	}
	return line
}

// summaryLocked renders the line that ends a report.
func (t *tracker) summaryLocked(now time.Time) string {
	elapsed := now.Sub(t.start)
	return t.label + ": " + t.amountLocked() + " in " + elapsedString(elapsed) + " (" + humanRate(t.rateLocked(now)) + ")"
}

// amountLocked is "7.2 MiB of 16.0 MiB (45%)", or "7.2 MiB" without a
// total.
func (t *tracker) amountLocked() string {
	if t.total <= 0 {
		return humanBytes(t.done)
	}
	return humanBytes(t.done) + " of " + humanBytes(t.total) + " (" + percent(t.done, t.total) + "%)"
}
