package objrpc

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Progress across the wire. The side that reads a stream keeps it and
// reports how far it has read: NewProgressReader counts the bytes read
// through it and reports the running total at most once per
// ProgressInterval, plus the final total when it is closed. The side that
// shows the progress feeds a Tracker with those totals; the Tracker's
// Source is a synthetic stream whose Reads hand out exactly the bytes
// reported so far (zeros) and that ends with io.EOF after the final
// report, so that whatever consumes a stream to show its progress (a Ui's
// TrackProgress) can consume that one.

// ProgressInterval is the least time between two progress reports.
const ProgressInterval = 250 * time.Millisecond

// NewProgressReader returns a reader of stream that counts what is read
// through it and calls report with the running total, coalesced in time
// (report(n, false)), and once more with the final total when it is closed
// (report(n, true)), after any report in flight. report runs on a timer's
// goroutine or on the goroutine that calls Close. Read must not be called
// concurrently (as for any reader); Close may be called from any
// goroutine, many times, and returns stream's Close error.
func NewProgressReader(stream io.ReadCloser, report func(n int64, final bool)) io.ReadCloser {
	return &progressReader{stream: stream, report: report}
}

type progressReader struct {
	stream io.ReadCloser
	report func(int64, bool)
	n      atomic.Int64 // bytes read so far

	mu      sync.Mutex // guards the fields below
	timer   *time.Timer
	last    time.Time // when the last report left
	closed  bool
	flushes sync.WaitGroup // running or armed report timers

	closeOnce sync.Once
	closeErr  error
}

func (r *progressReader) Read(p []byte) (int, error) {
	n, err := r.stream.Read(p)
	if n > 0 {
		r.n.Add(int64(n))
		r.schedule()
	}
	return n, err
}

// schedule arms the report timer unless it is armed already: the report
// leaves ProgressInterval after the previous one, or at once.
func (r *progressReader) schedule() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.timer != nil {
		return
	}
	delay := max(ProgressInterval-time.Since(r.last), 0)
	r.flushes.Add(1)
	r.timer = time.AfterFunc(delay, r.flush)
}

// flush sends the running total; it runs on the timer's goroutine.
func (r *progressReader) flush() {
	defer r.flushes.Done()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.timer = nil
	r.last = time.Now()
	r.mu.Unlock()
	r.report(r.n.Load(), false)
}

func (r *progressReader) Close() error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		r.closed = true
		if r.timer != nil && r.timer.Stop() {
			r.flushes.Done()
		}
		r.timer = nil
		r.mu.Unlock()
		r.flushes.Wait()
		r.closeErr = r.stream.Close()
		r.report(r.n.Load(), true)
	})
	return r.closeErr
}

// Tracker is the showing side of one progress report. It is safe for
// concurrent use.
type Tracker struct {
	life     context.Context // the report ends with it
	wake     chan struct{}   // capacity 1: something changed
	finished chan struct{}   // closed when Drain is over

	mu    sync.Mutex // guards the fields below
	avail int64      // bytes reported
	given int64      // bytes handed out by Source
	ended bool
}

// NewTracker returns a Tracker whose report also ends when life does.
func NewTracker(life context.Context) *Tracker {
	return &Tracker{life: life, wake: make(chan struct{}, 1), finished: make(chan struct{})}
}

// Update raises the reported total to n (never lowers it: reports may
// overtake each other) and, with end, ends the report.
func (t *Tracker) Update(n int64, end bool) {
	t.mu.Lock()
	t.avail = max(t.avail, n)
	t.ended = t.ended || end
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Source returns the synthetic stream: its Reads block until bytes are
// reported and hand them out as zeros; after the end (or the end of the
// Tracker's life) it returns io.EOF. Its Close does nothing.
func (t *Tracker) Source() io.ReadCloser { return trackSource{t} }

// Drain reads rc (what the consumer of Source returned; nil means Source
// itself) to its end and closes it, then marks the report finished. A
// panic in rc is logged to log, not fatal. Run it on a goroutine of its
// own, owned by whoever owns the report.
func (t *Tracker) Drain(rc io.ReadCloser, log *slog.Logger) {
	defer close(t.finished)
	defer func() {
		if r := recover(); r != nil {
			log.Error("objrpc: recovered a panic in a progress reader",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if rc == nil {
		rc = t.Source()
	}
	bufp := drainPool.Get().(*[]byte)
	defer drainPool.Put(bufp)
	for {
		if _, err := rc.Read(*bufp); err != nil {
			break
		}
	}
	rc.Close()
}

var drainPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// Wait waits until Drain is over, or the Tracker's life ends.
func (t *Tracker) Wait() {
	select {
	case <-t.finished:
	case <-t.life.Done():
	}
}

// Finished returns a channel closed when Drain is over.
func (t *Tracker) Finished() <-chan struct{} { return t.finished }

type trackSource struct{ t *Tracker }

func (s trackSource) Read(p []byte) (int, error) {
	t := s.t
	for {
		t.mu.Lock()
		if n := min(int64(len(p)), t.avail-t.given); n > 0 {
			t.given += n
			t.mu.Unlock()
			clear(p[:n])
			return int(n), nil
		}
		ended := t.ended
		t.mu.Unlock()
		if ended {
			return 0, io.EOF
		}
		if len(p) == 0 {
			return 0, nil
		}
		select {
		case <-t.wake:
		case <-t.life.Done():
			t.Update(0, true)
		}
	}
}

func (trackSource) Close() error { return nil }
