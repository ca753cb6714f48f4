package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress rendering. On a terminal a transfer is a bar redrawn at most
// every barInterval; otherwise it is a line at each quarter of the total
// (every lineEvery bytes when the total is unknown) and a last line when
// the reader is closed.
const (
	barInterval = 100 * time.Millisecond
	barWidth    = 30
	lineEvery   = 16 << 20
)

// progress is the reader TrackProgress returns. Read and Close may be
// called from different goroutines.
type progress struct {
	c      *console
	label  string
	total  int64 // 0 or less if unknown
	stream io.ReadCloser
	start  time.Time

	mu       sync.Mutex // guards the fields below
	done     int64      // bytes transferred, including those before stream
	lastDraw time.Time  // when the bar was last drawn
	reported int64      // lines mode: the byte count at the last line
	closed   bool
}

func newProgress(c *console, label string, current, total int64, stream io.ReadCloser) *progress {
	return &progress{c: c, label: label, total: total, stream: stream, start: time.Now(), done: current, reported: current}
}

// Read reads from the stream and reports the progress.
func (p *progress) Read(b []byte) (int, error) {
	n, err := p.stream.Read(b)
	if n > 0 {
		p.advance(int64(n))
	}
	return n, err
}

// Close closes the stream and prints the final state of the transfer. Only
// the first call prints.
func (p *progress) Close() error {
	err := p.stream.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return err
	}
	p.closed = true
	final := fmt.Sprintf("%s: %s in %s", p.label, p.amountLocked(), time.Since(p.start).Round(time.Millisecond))
	if p.c.tty {
		p.c.endBar(final)
	} else {
		p.c.println(false, final)
	}
	return err
}

func (p *progress) advance(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.done += n
	if p.c.tty {
		if now := time.Now(); now.Sub(p.lastDraw) >= barInterval {
			p.lastDraw = now
			p.c.setBar(p.barLocked())
		}
		return
	}
	if step := p.stepLocked(p.done); step > p.stepLocked(p.reported) {
		p.reported = p.done
		p.c.println(false, fmt.Sprintf("%s: %s", p.label, p.amountLocked()))
	}
}

// stepLocked maps a byte count to the report step it falls in: quarters of
// the total, or multiples of lineEvery.
func (p *progress) stepLocked(n int64) int64 {
	if p.total > 0 {
		return min(n, p.total) * 4 / p.total
	}
	return n / lineEvery
}

// amountLocked formats how much was transferred, with the percentage when
// the total is known.
func (p *progress) amountLocked() string {
	if p.total <= 0 {
		return humanBytes(p.done)
	}
	return fmt.Sprintf("%s of %s (%d%%)", humanBytes(p.done), humanBytes(p.total), percent(p.done, p.total))
}

func (p *progress) barLocked() string {
	if p.total <= 0 {
		return fmt.Sprintf("%s %s", p.label, humanBytes(p.done))
	}
	filled := int(min(p.done, p.total) * barWidth / p.total)
	bar := strings.Repeat("=", filled)
	if filled < barWidth {
		bar += ">" + strings.Repeat(" ", barWidth-filled-1)
	}
	return fmt.Sprintf("%s [%s] %3d%% %s/%s", p.label, bar, percent(p.done, p.total), humanBytes(p.done), humanBytes(p.total))
}

func percent(done, total int64) int64 {
	return min(done, total) * 100 / total
}

// humanBytes formats n with a binary unit: "512 B", "1.5 KiB", "4.0 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
