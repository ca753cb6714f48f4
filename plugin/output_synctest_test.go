//go:build go1.25

// go.mod's go 1.22 turns on the old asynchronous timer channels, which
// synctest refuses to run with.
//
//go:debug asynctimerchan=0

package plugin

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// gatedWriter records what it is given; while gate is not nil, each Write
// first waits for gate to be closed, and pause, if set, is how long each
// Write takes.
type gatedWriter struct {
	gate  chan struct{}
	pause time.Duration

	mu    sync.Mutex
	lines []string
}

func (w *gatedWriter) Write(p []byte) (int, error) {
	if w.gate != nil {
		<-w.gate
	}
	time.Sleep(w.pause)
	w.mu.Lock()
	w.lines = append(w.lines, strings.TrimSuffix(string(p), "\n"))
	w.mu.Unlock()
	return len(p), nil
}

func (w *gatedWriter) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

// relayLine is the i-th test line; all have the same length.
func relayLine(i int) string { return fmt.Sprintf("line %04d", i) }

// smallRelay is a relay to w whose queue holds queueLines test lines.
func smallRelay(w *gatedWriter, stall time.Duration, queueLines int) *relay {
	r := newRelay("p", w, discardLogger(), 1, stall)
	r.limit = queueLines * outputLine{text: []byte(relayLine(0))}.cost()
	return r
}

// produceLines adds lines from..to-1 on another goroutine and returns a
// channel closed when it is done.
func produceLines(r *relay, from, to int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := from; i < to; i++ {
			r.add("stderr", []byte(relayLine(i)))
		}
	}()
	return done
}

func finish(r *relay) {
	r.producers.Done()
	<-r.done
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestRelaySlowWriterLosesNothing: a writer far slower than the plugin,
// but moving, holds the plugin back and loses no line.
func TestRelaySlowWriterLosesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 100
		w := &gatedWriter{pause: time.Second} // each line takes 1s; the stall limit is 5s
		r := smallRelay(w, 5*time.Second, 10)
		start := time.Now()
		done := produceLines(r, 0, n)
		synctest.Wait()
		if isDone(done) {
			t.Fatal("the producer was not held back by a full queue")
		}
		<-done
		finish(r)
		if d := time.Since(start); d < (n-11)*time.Second {
			t.Errorf("producing %d lines took %v: the queue did not push back", n, d)
		}
		checkLines(t, w.got(), 0, n)
	})
}

// TestRelayStalledWriterDrops: a writer that takes no line for the stall
// period holds the producer back for exactly that long, then its lines are
// dropped, counted and reported; once it moves, lines are waited for
// again.
func TestRelayStalledWriterDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const stall, queue, n = 5 * time.Second, 10, 50
		w := &gatedWriter{gate: make(chan struct{})}
		r := smallRelay(w, stall, queue)
		start := time.Now()
		done := produceLines(r, 0, n)
		synctest.Wait()
		if isDone(done) {
			t.Fatal("the producer dropped lines without waiting")
		}
		<-done
		if d := time.Since(start); d != stall {
			t.Errorf("the producer waited %v for a stuck writer, want %v", d, stall)
		}
		close(w.gate)
		synctest.Wait()                       // the writer catches up
		more := produceLines(r, n, n+3*queue) // and keeps up: no drops
		<-more
		finish(r)
		// One line was in the writer's hands, queue lines waited, the
		// rest were dropped.
		got := w.got()
		note := fmt.Sprintf("[muxplug: dropped %d lines of plugin output: the Stderr writer or the logger took no line for 5s]", n-1-queue)
		if len(got) != 1+queue+1+3*queue || got[1+queue] != note {
			t.Fatalf("relayed %d lines %q..., want %d with the note %q after the first %d", len(got), got[:min(len(got), 13)], 2+4*queue, note, 1+queue)
		}
		checkLines(t, got[:1+queue], 0, 1+queue)
		checkLines(t, got[2+queue:], n, n+3*queue)
	})
}

// TestRelayNeverDrops: with no stall limit, a stuck writer holds the
// producer back for as long as it is stuck, and no line is lost.
func TestRelayNeverDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &gatedWriter{gate: make(chan struct{})}
		r := smallRelay(w, noLimit, 10)
		done := produceLines(r, 0, 50)
		time.Sleep(time.Hour)
		synctest.Wait()
		if isDone(done) {
			t.Fatal("the producer went on past a stuck writer")
		}
		close(w.gate)
		<-done
		finish(r)
		checkLines(t, w.got(), 0, 50)
	})
}

// TestRelayCutOff: once cut off, a relay drops what finds its queue full
// at once, and says why.
func TestRelayCutOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &gatedWriter{gate: make(chan struct{})}
		r := smallRelay(w, noLimit, 10)
		start := time.Now()
		done := produceLines(r, 0, 50)
		synctest.Wait()
		r.cutOff()
		<-done
		if d := time.Since(start); d != 0 {
			t.Errorf("a cut-off relay waited %v", d)
		}
		close(w.gate)
		finish(r)
		got := w.got()
		if len(got) != 12 || !strings.Contains(got[11], "dropped 39 lines") || !strings.Contains(got[11], "Kill stopped waiting") {
			t.Errorf("relayed %q, want 11 lines and a note on 39 dropped by Kill", got)
		}
	})
}

// checkLines checks that got holds exactly the lines from..to-1, in order.
func checkLines(t *testing.T, got []string, from, to int) {
	t.Helper()
	if len(got) != to-from {
		t.Fatalf("relayed %d lines, want %d", len(got), to-from)
	}
	for i, l := range got {
		if want := relayLine(from + i); l != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
	}
}
