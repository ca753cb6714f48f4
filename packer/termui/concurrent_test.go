package termui

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse prints lines from several Uis while transfers draw
// their bars and end, all at once, and checks that every line arrived
// whole. Run it with -race.
func TestConcurrentUse(t *testing.T) {
	for _, mode := range []Progress{ProgressBar, ProgressLines} {
		t.Run(fmt.Sprint("progress ", mode), func(t *testing.T) {
			u, s := newUi(t, func(c *Config) { c.Progress = mode; c.Width = 120; c.LineInterval = time.Second })
			const workers, lines = 6, 100
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(2)
				ui := u.Named(fmt.Sprint("w", w))
				go func() {
					defer wg.Done()
					for i := range lines {
						ui.Say(fmt.Sprintf("line %d of w%d", i, w))
						ui.Error(fmt.Sprintf("error %d of w%d", i, w))
					}
				}()
				src := &steps{clock: s.clock, left: 1 << 20, chunk: 4 << 10, step: 50 * time.Millisecond}
				r := ui.TrackProgress("f", 0, 1<<20, src)
				go func() {
					defer wg.Done()
					readAll(t, r, 4<<10)
				}()
				t.Cleanup(func() { r.Close() })
				defer r.Close() // concurrently with the other transfers' reads
			}
			wg.Wait()
			checkWholeLines(t, s.out.String(), `==> w(\d): line \d+ of w(\d)`, workers*lines)
			checkWholeLines(t, s.err.String(), `==> w(\d): error \d+ of w(\d)`, workers*lines)
		})
	}
}

var (
	erase    = regexp.MustCompile(`\x1b\[\d+A\r\x1b\[J`)
	progress = regexp.MustCompile(`^    w(\d): f[ :]`)
)

// checkWholeLines asserts that, without the bars' erase sequences, out is
// made of want lines matching pattern (whose two groups must be equal) and
// of progress lines.
func checkWholeLines(tb testing.TB, out, pattern string, want int) {
	tb.Helper()
	re := regexp.MustCompile("^" + pattern + "$")
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(erase.ReplaceAllString(out, ""), "\n"), "\n") {
		if m := re.FindStringSubmatch(line); m != nil && m[1] == m[2] {
			n++
			continue
		}
		if !progress.MatchString(line) {
			tb.Fatalf("mixed or unexpected line %q", line)
		}
	}
	if n != want {
		tb.Errorf("got %d lines matching %s, want %d", n, pattern, want)
	}
}
