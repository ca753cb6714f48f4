package remote

import (
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// Progress across the wire. The side that calls TrackProgress on a proxy
// Ui keeps the stream: it asks the peer to begin a report (Ui.TrackStart),
// counts the bytes read through the reader it returns, and sends the
// running total (Ui.TrackUpdate) at most once per progressInterval, plus
// the final total when the reader is closed (Ui.TrackEnd). The serving side
// calls the real Ui's TrackProgress with a synthetic stream whose Reads
// hand out exactly the bytes announced so far (zeros), and that ends with
// io.EOF after TrackEnd; a goroutine drains the real Ui's reader and
// closes it. TrackEnd returns once that is done, and nothing of the report
// remains on either side.

// progressInterval is the least time between two progress updates.
const progressInterval = 250 * time.Millisecond

// TrackProgress begins a report on the peer's Ui and returns a reader that
// reads from stream and reports through it. If the report cannot begin,
// the failure is logged and stream is returned as it is.
func (u *uiClient) TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser {
	if stream == nil {
		stream = io.NopCloser(eofReader{})
	}
	var reply wire.TrackReply
	args := &wire.TrackStartArgs{Src: src, Current: currentSize, Total: totalSize}
	if err := u.call("TrackStart", args, &reply); err != nil {
		u.logFailure("TrackStart", err)
		return stream
	}
	return &progressReader{u: u, id: reply.ID, stream: stream}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// progressReader counts what is read through it and reports it to the
// peer's Ui, coalesced in time. Read must not be called concurrently
// (like any reader); Close may be called from any goroutine, many times.
type progressReader struct {
	u      *uiClient
	id     uint64
	stream io.ReadCloser
	n      atomic.Int64 // bytes read so far

	mu      sync.Mutex // guards the fields below
	timer   *time.Timer
	last    time.Time // when the last update left
	closed  bool
	flushes sync.WaitGroup // running or armed update timers

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

// schedule arms the update timer unless it is armed already: the update
// leaves progressInterval after the previous one, or at once.
func (r *progressReader) schedule() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.timer != nil {
		return
	}
	delay := max(progressInterval-time.Since(r.last), 0)
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
	err := r.u.call("TrackUpdate", &wire.TrackArgs{ID: r.id, N: r.n.Load()}, new(wire.ErrReply))
	r.u.logFailure("TrackUpdate", err)
}

// Close closes the stream, waits for an update in flight, and sends the
// final total. It returns the stream's Close error.
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
		err := r.u.call("TrackEnd", &wire.TrackArgs{ID: r.id, N: r.n.Load()}, new(wire.ErrReply))
		r.u.logFailure("TrackEnd", err)
	})
	return r.closeErr
}

// TrackStart begins a report on the served Ui.
func (s *uiServer) TrackStart(args *wire.TrackStartArgs, reply *wire.TrackReply) error {
	defer s.st.guard("Ui.TrackStart", &reply.Err)
	t := newTracker(s.st)
	rc := s.ui.TrackProgress(args.Src, args.Current, args.Total, &trackSource{t})
	id, ok := s.tracks.putNext(t)
	if !ok { // the Ui is going away: end the report at once
		t.update(0, true)
		t.drain(s.st, rc)
		return nil
	}
	go t.drain(s.st, rc)
	reply.ID = id
	return nil
}

// TrackUpdate announces the running total of a report. An unknown id (a
// report that ended) is ignored: updates may overtake each other.
func (s *uiServer) TrackUpdate(args *wire.TrackArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.TrackUpdate", &reply.Err)
	if t := s.tracks.get(args.ID, false); t != nil {
		t.update(args.N, false)
	}
	return nil
}

// TrackEnd announces the final total, and returns once the real Ui's
// reader has seen it all and has been closed.
func (s *uiServer) TrackEnd(args *wire.TrackArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.TrackEnd", &reply.Err)
	if t := s.tracks.get(args.ID, true); t != nil {
		t.update(args.N, true)
		t.wait()
	}
	return nil
}

// tracker is the serving side of one report.
type tracker struct {
	st       site
	wake     chan struct{} // capacity 1: something changed
	finished chan struct{} // closed when the drain is over

	mu    sync.Mutex // guards the fields below
	avail int64      // bytes announced
	given int64      // bytes handed to the real Ui's reader
	ended bool
}

func newTracker(st site) *tracker {
	return &tracker{st: st, wake: make(chan struct{}, 1), finished: make(chan struct{})}
}

// update raises the announced total to n (never lowers it) and, with end,
// ends the report.
func (t *tracker) update(n int64, end bool) {
	t.mu.Lock()
	t.avail = max(t.avail, n)
	t.ended = t.ended || end
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// wait waits for the drain, or for the end of the Ui's life.
func (t *tracker) wait() {
	select {
	case <-t.finished:
	case <-t.st.life:
	case <-t.st.b.Done():
	}
}

// drain reads the real Ui's reader to its end and closes it. A panic in
// the real Ui is logged, not fatal.
func (t *tracker) drain(st site, rc io.ReadCloser) {
	defer close(t.finished)
	defer func() {
		if r := recover(); r != nil {
			st.opts.log.Error("remote: recovered a panic in a Ui's progress reader",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if rc == nil {
		rc = &trackSource{t}
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

// trackSource is the synthetic stream given to the real Ui: its Reads
// block until bytes are announced and hand them out as zeros; after the
// end (or the end of the Ui's life) it returns io.EOF.
type trackSource struct{ t *tracker }

func (s *trackSource) Read(p []byte) (int, error) {
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
		if ended || len(p) == 0 {
			if ended {
				return 0, io.EOF
			}
			return 0, nil
		}
		select {
		case <-t.wake:
		case <-t.st.life:
			t.update(0, true)
		case <-t.st.b.Done():
			t.update(0, true)
		}
	}
}

// Close does nothing: the report ends with TrackEnd.
func (s *trackSource) Close() error { return nil }
