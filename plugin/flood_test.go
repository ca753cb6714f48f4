package plugin

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
)

// floodLines is how many lines the "flood" helper writes on each of
// stdout and stderr.
const floodLines = 20_000

func init() {
	helpers["flood"] = func() int {
		ServeBuilder(floodBuilder{})
		return 0
	}
}

// floodBuilder's Run writes floodLines lines on stdout and on stderr at
// once, in 64 KiB chunks (as a buffered logger would), and returns when
// both are written.
type floodBuilder struct{ stubBuilder }

func (floodBuilder) Run(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
	var wg sync.WaitGroup
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeFlood(f, f.Name())
		}()
	}
	wg.Wait()
	return nil, nil
}

// writeFlood writes floodLines numbered lines tagged with stream to f
// through a 64 KiB buffer.
func writeFlood(f *os.File, stream string) {
	w := bufio.NewWriterSize(f, 64<<10)
	for i := range floodLines {
		fmt.Fprintf(w, "%s %06d %s\n", stream, i, strings.Repeat("x", i%97))
	}
	w.Flush()
}

// countingHandler is a slog.Handler that counts records and keeps
// nothing, the cheapest logger a host can have.
type countingHandler struct {
	mu sync.Mutex
	n  map[string]int // records per "stream" attribute
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "stream" {
			h.mu.Lock()
			h.n[a.Value.String()]++
			h.mu.Unlock()
		}
		return true
	})
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

// TestOutputFlood: a plugin writing 20,000 lines on each of stdout and
// stderr at full speed, in 64 KiB chunks, loses none of them: all arrive,
// in order per stream, at ClientConfig.Stderr and at the logger.
func TestOutputFlood(t *testing.T) {
	var out syncBuffer
	logs := &countingHandler{n: map[string]int{}}
	c := newTestClient(t, "flood", func(c *ClientConfig) {
		c.Stderr = &out
		c.Logger = slog.New(logs)
		c.KillTimeout = 10 * time.Second // the drain after exit may take a while under -race
	})
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Run(testContext(t), nil, nil); err != nil {
		t.Fatal(err)
	}
	c.Kill()
	next := map[string]int{"/dev/stdout": 0, "/dev/stderr": 0}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		stream, rest, _ := strings.Cut(line, " ")
		want, ok := next[stream]
		if !ok {
			t.Fatalf("unexpected line %q", line)
		}
		num, _, _ := strings.Cut(rest, " ")
		if n, err := strconv.Atoi(num); err != nil || n != want {
			t.Fatalf("%s: line %q, want number %d", stream, line, want)
		}
		next[stream]++
	}
	for stream, n := range next {
		if n != floodLines {
			t.Errorf("%s: %d lines arrived at Stderr, want %d", stream, n, floodLines)
		}
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if logs.n["stdout"] != floodLines || logs.n["stderr"] != floodLines {
		t.Errorf("logged lines per stream: %v, want %d each", logs.n, floodLines)
	}
}
