package termui

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestProgressLines(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressLines })
	// 16 MiB at 1 MiB a second: a line every 5 seconds, then the summary.
	src := &steps{clock: s.clock, left: 16 << 20, chunk: 1 << 20, step: time.Second}
	r := u.Named("upload").TrackProgress("payload.bin", 0, 16<<20, src)
	if n := readAll(t, r, 1<<20); n != 16<<20 {
		t.Fatalf("read %d bytes, want 16 MiB", n)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"    upload: payload.bin: 5.0 MiB of 16.0 MiB (31%), 1.0 MiB/s, ETA 11s",
		"    upload: payload.bin: 10.0 MiB of 16.0 MiB (62%), 1.0 MiB/s, ETA 6s",
		"    upload: payload.bin: 15.0 MiB of 16.0 MiB (93%), 1.0 MiB/s, ETA 1s",
		"    upload: payload.bin: 16.0 MiB of 16.0 MiB (100%) in 16s (1.0 MiB/s)",
	}, "\n") + "\n"
	if got := s.out.String(); got != want {
		t.Errorf("Out =\n%s\nwant\n%s", got, want)
	}
}

func TestProgressLinesUnknownTotal(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressLines; c.LineInterval = 2 * time.Second })
	src := &steps{clock: s.clock, left: 3 << 10, chunk: 1 << 10, step: time.Second}
	r := u.TrackProgress("stdin", 0, 0, src)
	readAll(t, r, 1<<10)
	r.Close()
	want := "    stdin: 2.0 KiB, 1.0 KiB/s\n    stdin: 3.0 KiB in 3s (1.0 KiB/s)\n"
	if got := s.out.String(); got != want {
		t.Errorf("Out = %q, want %q", got, want)
	}
}

// frames splits what a bar-mode console wrote into the screens it drew:
// each erase of the bars starts a new frame.
func frames(out string) []string {
	return regexp.MustCompile(`\x1b\[\d+A\r\x1b\[J`).Split(out, -1)
}

func TestProgressBar(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressBar; c.Width = 100 })
	// 1 MiB in 10 ms reads of 64 KiB, resumed after 1 MiB sent before.
	src := &steps{clock: s.clock, left: 1 << 20, chunk: 64 << 10, step: 10 * time.Millisecond}
	r := u.Named("upload").TrackProgress("disk.img", 1<<20, 2<<20, src)
	readAll(t, r, 64<<10)
	r.Close()
	got := frames(s.out.String())
	// A draw at once, one 100ms later (after ten reads), and the summary.
	want := []string{
		"    upload: disk.img [=================>                ]  50% 1.0 MiB/2.0 MiB       --/s ETA --\n",
		"    upload: disk.img [===========================>      ]  81% 1.6 MiB/2.0 MiB  6.2 MiB/s ETA 1s\n",
		"    upload: disk.img: 2.0 MiB of 2.0 MiB (100%) in 160ms (6.2 MiB/s)\n",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("frames:\n%q\nwant\n%q", got, want)
	}
}

func TestProgressBarKeepsLinesAbove(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressBar; c.Width = 60 })
	a := u.Named("a").TrackProgress("one", 0, 10, io.NopCloser(strings.NewReader("")))
	b := u.Named("b").TrackProgress("two", 0, 0, io.NopCloser(strings.NewReader("")))
	u.Named("x").Say("hello")
	u.Named("x").Error("oops")
	a.Close()
	b.Close()
	barA := "    a: one [>         ]   0%  0 B/10 B       --/s ETA --\n"
	barB := "    b: two 0 B --/s\n"
	want := []string{
		barA,
		barA + barB,
		"==> x: hello\n" + barA + barB,
		barA + barB, // the error went to Err in between
		"    a: one: 0 B of 10 B (0%) in 0s (--/s)\n" + barB,
		"    b: two: 0 B in 0s (--/s)\n",
	}
	if got := frames(s.out.String()); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("frames:\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(s.out.String(), "\x1b[2A\r\x1b[J") {
		t.Errorf("the bars were not erased two lines at a time: %q", s.out.String())
	}
	if got := s.err.String(); got != "==> x: oops\n" {
		t.Errorf("Err = %q", got)
	}
}

func TestBarFitsWidth(t *testing.T) {
	labels := []string{"    u: f", "    upload: " + strings.Repeat("very-long-name-", 8) + ".bin", "    ü: " + strings.Repeat("é", 90)}
	for _, width := range []int{20, 40, 60, 80, 200} {
		for _, label := range labels {
			t.Run(fmt.Sprintf("%d/%d", width, len(label)), func(t *testing.T) {
				u, s := newUi(t, func(c *Config) { c.Progress = ProgressBar; c.Width = width })
				src := &steps{clock: s.clock, left: 5 << 20, chunk: 1 << 20, step: time.Second}
				r := u.TrackProgress(label, 0, 9<<20, src)
				readAll(t, r, 1<<20)
				for _, f := range frames(s.out.String())[1:] {
					line := strings.TrimSuffix(f, "\n")
					if n := len([]rune(line)); n > width-1 {
						t.Errorf("width %d: bar line of %d runes: %q", width, n, line)
					}
				}
				r.Close()
			})
		}
	}
}

func TestProgressCloseOnce(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressLines })
	src := &steps{clock: s.clock, left: 10, chunk: 10}
	r := u.TrackProgress("f", 0, 10, src)
	readAll(t, r, 10)
	for range 3 {
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if src.closeCount() != 1 {
		t.Errorf("stream closed %d times, want once", src.closeCount())
	}
	if got := strings.Count(s.out.String(), "\n"); got != 1 {
		t.Errorf("printed %q, want one summary line", s.out.String())
	}
}

func TestProgressOff(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressOff })
	stream := io.NopCloser(strings.NewReader("x"))
	if got := u.TrackProgress("f", 0, 1, stream); got != stream {
		t.Error("TrackProgress with ProgressOff did not return the stream itself")
	}
	if s.out.String() != "" {
		t.Errorf("Out = %q, want nothing", s.out.String())
	}
}

func TestFormats(t *testing.T) {
	bytes := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{4 << 20, "4.0 MiB"}, {3 << 30, "3.0 GiB"}, {5 << 40, "5.0 TiB"}, {1 << 62, "4.0 EiB"},
	}
	for _, tt := range bytes {
		if got := humanBytes(tt.n); got != tt.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	etas := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {1, "1s"}, {59 * time.Second, "59s"}, {65 * time.Second, "1m05s"}, {7380 * time.Second, "2h03m"},
	}
	for _, tt := range etas {
		if got := etaString(tt.d, true); got != tt.want {
			t.Errorf("etaString(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	rates := []struct {
		r    float64
		want string
	}{
		{0, "--/s"}, {512.7, "512 B/s"}, {1023, "1023 B/s"}, {1024, "1.0 KiB/s"}, {10087, "9.8 KiB/s"},
		{612.9 * 1024, "612 KiB/s"}, {1023.9 * 1024, "1023 KiB/s"}, {10.25 * 1024 * 1024, "10.2 MiB/s"},
	}
	for _, tt := range rates {
		if got := humanRate(tt.r); got != tt.want || len(got) > 10 {
			t.Errorf("humanRate(%v) = %q, want %q (at most 10 columns)", tt.r, got, tt.want)
		}
	}
}
