package termui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// epoch is when every fake clock starts.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// clock is a fake clock that moves only when told to. Safe for concurrent
// use.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newClock() *clock { return &clock{t: epoch} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// steps is a stream of size zero bytes whose every Read returns at most
// chunk bytes and moves the clock on by step first, as if each chunk took
// step to arrive. It counts its Close calls.
type steps struct {
	clock  *clock
	left   int64
	chunk  int
	step   time.Duration
	mu     sync.Mutex // guards closes
	closes int
}

func (s *steps) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	s.clock.Advance(s.step)
	n := int(min(int64(min(len(p), s.chunk)), s.left))
	clear(p[:n])
	s.left -= int64(n)
	return n, nil
}

func (s *steps) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closes++
	return nil
}

func (s *steps) closeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closes
}

// screen is a Config's output and error streams and a fake clock.
type screen struct {
	out, err syncBuffer
	clock    *clock
}

// newUi returns a Ui writing to a new screen; set adjusts its Config.
func newUi(tb testing.TB, set func(*Config)) (*Ui, *screen) {
	tb.Helper()
	s := &screen{clock: newClock()}
	cfg := &Config{Out: &s.out, Err: &s.err, In: strings.NewReader(""), Now: s.clock.Now, Width: 80}
	if set != nil {
		set(cfg)
	}
	return New(cfg), s
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// readAll reads r to its end in reads of buf bytes.
func readAll(tb testing.TB, r io.Reader, buf int) int64 {
	tb.Helper()
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{r}, make([]byte, buf))
	if err != nil {
		tb.Fatalf("reading the tracked stream: %v", err)
	}
	return n
}
