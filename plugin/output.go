package plugin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Limits of the output relay.
const (
	// maxLineBytes is the longest line relayed as one piece; longer lines
	// are split into pieces of this size.
	maxLineBytes = 8 << 10
	// tailLines is how many of the last lines are kept for error messages.
	tailLines = 20
	// relayQueueBytes bounds the output waiting for the Stderr writer and
	// the logger, counted with lineOverhead per line. Past it the readers
	// of the plugin's pipes wait, and so, once the pipes are full, does
	// the plugin.
	relayQueueBytes = 1 << 20
	// lineOverhead is what a queued line costs besides its bytes, so that
	// a flood of empty lines is bounded too.
	lineOverhead = 64
)

// splitLines reads r until EOF and calls fn with every line, without its
// "\n". A line longer than maxLen bytes is delivered in pieces of maxLen
// bytes; a last line without "\n" is delivered too. fn must not retain the
// slice. splitLines returns nil at EOF and the read error otherwise.
func splitLines(r io.Reader, maxLen int, fn func(line []byte)) error {
	br := bufio.NewReaderSize(r, max(maxLen, 16))
	for {
		line, err := br.ReadSlice('\n')
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) > maxLen { // bufio rounds tiny sizes up
			for len(line) > maxLen {
				fn(line[:maxLen])
				line = line[maxLen:]
			}
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
			fn(line)
		case len(line) > 0:
			fn(line)
			fallthrough
		default:
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// outputLine is one line of plugin output waiting to be relayed, or the
// note that lines were dropped at that place.
type outputLine struct {
	stream  string // "stdout" or "stderr"
	text    []byte // without newline
	dropped int    // > 0: a note, not a line: this many lines were dropped here
	cut     bool   // in a note: dropped because the relay was cut off
}

func (l outputLine) cost() int { return len(l.text) + lineOverhead }

// relay copies plugin output, line by line, to a writer and a logger, and
// keeps the last tailLines lines. One goroutine, started by newRelay, does
// the writing; it ends once every producer has finished and the queue is
// empty.
//
// The queue holds at most limit bytes. A producer that finds it full
// waits for the writer, which pushes back through the pipe to the plugin,
// as a terminal does: a burst never loses a line, however fast the plugin
// writes, while the writer keeps up on average. Only a writer that takes
// no line for stall (it is stuck in a Write or in the logger) makes the
// producers drop lines instead of waiting, until it moves again; dropped
// lines are counted, and a note in their place says how many.
type relay struct {
	name  string
	w     io.Writer // nil: logger only
	log   *slog.Logger
	limit int           // bytes (outputLine.cost) the queue may hold
	stall time.Duration // how long a writer may take no line before lines are dropped

	eof  chan struct{} // closed when every producer has finished
	done chan struct{} // closed when the writer goroutine returns

	producers sync.WaitGroup
	ready     chan struct{} // capacity 1: a line was queued, or the producers finished

	mu       sync.Mutex // guards the fields below
	queue    []outputLine
	queued   int           // cost of the queued lines
	progress time.Time     // when the writer last took a line, or the queue last became non-empty
	moved    chan struct{} // if not nil, closed when the writer takes a line or the relay is cut off
	closed   bool          // every producer has finished
	cut      bool          // no more waiting: the process is gone and its output cut off
	ring     [tailLines]string
	next, n  int
}

func newRelay(name string, w io.Writer, log *slog.Logger, producers int, stall time.Duration) *relay {
	r := &relay{name: name, w: w, log: log, limit: relayQueueBytes, stall: stall,
		eof: make(chan struct{}), done: make(chan struct{}), ready: make(chan struct{}, 1)}
	r.producers.Add(producers)
	go r.write()
	go func() {
		r.producers.Wait()
		close(r.eof)
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.signal()
	}()
	return r
}

// add records a line and queues it for relaying. It waits while the queue
// is full and the writer makes progress (see relay).
func (r *relay) add(stream string, text []byte) {
	l := outputLine{stream: stream, text: bytes.Clone(text)}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.remember(l.text)
	for len(r.queue) > 0 && r.queued+l.cost() > r.limit {
		wait := r.stall - time.Since(r.progress)
		if r.cut || wait <= 0 {
			r.drop()
			return
		}
		r.awaitProgress(wait)
	}
	r.push(l)
}

// push queues l; r.mu must be held.
func (r *relay) push(l outputLine) {
	if len(r.queue) == 0 {
		r.progress = time.Now() // the writer's time starts now
	}
	r.queue = append(r.queue, l)
	r.queued += l.cost()
	r.signal()
}

// drop counts a dropped line in the note at the end of the queue, which it
// adds if the last entry is a line; r.mu must be held. The notes stand
// where the lines were lost, and take at most one entry per queued line.
func (r *relay) drop() {
	if last := len(r.queue) - 1; last >= 0 && r.queue[last].dropped > 0 && r.queue[last].cut == r.cut {
		r.queue[last].dropped++
		return
	}
	r.push(outputLine{dropped: 1, cut: r.cut})
}

// awaitProgress waits, with r.mu released, until the writer takes a line,
// the relay is cut off, or d has passed.
func (r *relay) awaitProgress(d time.Duration) {
	if r.moved == nil {
		r.moved = make(chan struct{})
	}
	moved := r.moved
	r.mu.Unlock()
	t := time.NewTimer(d)
	select {
	case <-moved:
	case <-t.C:
	}
	t.Stop()
	r.mu.Lock()
}

// wake releases the producers waiting in awaitProgress; r.mu must be held.
func (r *relay) wake() {
	if r.moved != nil {
		close(r.moved)
		r.moved = nil
	}
}

// signal tells the writer that there is something to do.
func (r *relay) signal() {
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// remember keeps text in the tail; r.mu must be held.
func (r *relay) remember(text []byte) {
	r.ring[r.next] = string(bytes.TrimSuffix(text, []byte{'\r'}))
	r.next = (r.next + 1) % tailLines
	r.n = min(r.n+1, tailLines)
}

// cutOff stops every wait for the writer: from now on, a line that finds
// the queue full is dropped at once. The process's reaper calls it when it
// gives up waiting for the output.
func (r *relay) cutOff() {
	r.mu.Lock()
	r.cut = true
	r.wake()
	r.mu.Unlock()
}

// produce relays every line of src as stream until EOF or a read error,
// then marks one producer finished.
func (r *relay) produce(stream string, src io.Reader) {
	defer r.producers.Done()
	splitLines(src, maxLineBytes, func(line []byte) { r.add(stream, line) })
}

// tail returns the last lines, oldest first.
func (r *relay) tail() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, r.n)
	for i := range r.n {
		out = append(out, r.ring[(r.next-r.n+i+tailLines)%tailLines])
	}
	return out
}

// write is the writer goroutine.
func (r *relay) write() {
	defer close(r.done)
	buf := make([]byte, 0, 256)
	for {
		l, ok := r.take()
		switch {
		case !ok:
			return
		case l.dropped > 0:
			r.reportDropped(l)
			continue
		}
		if r.w != nil {
			buf = append(append(buf[:0], l.text...), '\n')
			r.w.Write(buf)
		}
		r.log.LogAttrs(context.Background(), slog.LevelInfo,
			string(bytes.TrimSuffix(l.text, []byte{'\r'})),
			slog.String("plugin", r.name), slog.String("stream", l.stream))
	}
}

// take waits for the next line; it reports false once the producers have
// finished and the queue is empty.
func (r *relay) take() (outputLine, bool) {
	r.mu.Lock()
	for len(r.queue) == 0 {
		if r.closed {
			r.mu.Unlock()
			return outputLine{}, false
		}
		r.mu.Unlock()
		<-r.ready
		r.mu.Lock()
	}
	l := r.queue[0]
	r.queue[0] = outputLine{}
	r.queue = r.queue[1:]
	r.queued -= l.cost()
	r.progress = time.Now()
	r.wake()
	r.mu.Unlock()
	return l, true
}

// reportDropped writes and logs the note that note.dropped lines were
// dropped.
func (r *relay) reportDropped(note outputLine) {
	why := fmt.Sprintf("the Stderr writer or the logger took no line for %v", r.stall)
	if note.cut {
		why = "the plugin had exited and Kill stopped waiting for the Stderr writer or the logger"
	}
	msg := fmt.Sprintf("muxplug: dropped %d lines of plugin output: %s", note.dropped, why)
	if r.w != nil {
		fmt.Fprintf(r.w, "[%s]\n", msg)
	}
	r.log.Warn(msg, slog.String("plugin", r.name))
}
