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
)

// Limits of the output relay.
const (
	// maxLineBytes is the longest line relayed as one piece; longer lines
	// are split into pieces of this size.
	maxLineBytes = 8 << 10
	// tailLines is how many of the last lines are kept for error messages.
	tailLines = 20
	// relayQueueLines is how many lines may wait for a slow Stderr writer or
	// log handler before newer lines are dropped (and counted).
	relayQueueLines = 1024
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

// outputLine is one line of plugin output waiting to be relayed.
type outputLine struct {
	stream string // "stdout" or "stderr"
	text   []byte // without newline
}

// relay copies plugin output, line by line, to a writer and a logger, and
// keeps the last tailLines lines. Producers never block: a line that finds
// the queue full is dropped and counted, and a note says so later. One
// goroutine, started by newRelay, does the writing; it ends once every
// producer has finished and the queue is empty.
type relay struct {
	name  string
	w     io.Writer // nil: logger only
	log   *slog.Logger
	queue chan outputLine
	eof   chan struct{} // closed when every producer has finished
	done  chan struct{} // closed when the writer goroutine returns

	producers sync.WaitGroup

	mu      sync.Mutex // guards ring, next, n, dropped
	ring    [tailLines]string
	next, n int
	dropped int
}

func newRelay(name string, w io.Writer, log *slog.Logger, producers int) *relay {
	r := &relay{name: name, w: w, log: log,
		queue: make(chan outputLine, relayQueueLines), eof: make(chan struct{}), done: make(chan struct{})}
	r.producers.Add(producers)
	go r.write()
	go func() {
		r.producers.Wait()
		close(r.eof)
		r.mu.Lock() // add holds mu while sending
		close(r.queue)
		r.mu.Unlock()
	}()
	return r
}

// add records a line and queues it for relaying. It never blocks.
func (r *relay) add(stream string, text []byte) {
	l := outputLine{stream: stream, text: bytes.Clone(text)}
	r.mu.Lock()
	r.ring[r.next] = string(bytes.TrimSuffix(l.text, []byte{'\r'}))
	r.next = (r.next + 1) % tailLines
	r.n = min(r.n+1, tailLines)
	select {
	case r.queue <- l:
	default:
		r.dropped++
	}
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

func (r *relay) write() {
	defer close(r.done)
	buf := make([]byte, 0, 256)
	for l := range r.queue {
		if r.w != nil {
			buf = append(append(buf[:0], l.text...), '\n')
			r.w.Write(buf)
		}
		r.log.LogAttrs(context.Background(), slog.LevelInfo,
			string(bytes.TrimSuffix(l.text, []byte{'\r'})),
			slog.String("plugin", r.name), slog.String("stream", l.stream))
		r.reportDropped()
	}
}

func (r *relay) reportDropped() {
	r.mu.Lock()
	n := r.dropped
	r.dropped = 0
	r.mu.Unlock()
	if n == 0 {
		return
	}
	msg := fmt.Sprintf("muxplug: dropped %d lines of plugin output (Stderr writer too slow)", n)
	if r.w != nil {
		fmt.Fprintf(r.w, "[%s]\n", msg)
	}
	r.log.Warn(msg, slog.String("plugin", r.name))
}
