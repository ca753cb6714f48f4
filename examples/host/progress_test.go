package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// trackAll reads total bytes in chunks of chunk through a progress of a
// console with the given mode and returns what the console printed.
func trackAll(tb testing.TB, tty bool, total, chunk int) string {
	tb.Helper()
	var out bytes.Buffer
	c := newConsole(&out, io.Discard, strings.NewReader(""), tty, false)
	r := newUi(c, "up").TrackProgress("f.bin", 0, int64(total), io.NopCloser(bytes.NewReader(make([]byte, total))))
	buf := make([]byte, chunk)
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
	if err != nil || n != int64(total) {
		tb.Fatalf("copied %d bytes, %v; want %d", n, err, total)
	}
	if err := r.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.String()
}

func TestProgressLines(t *testing.T) {
	got := trackAll(t, false, 4<<20, 64<<10)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	want := []string{
		"    up: f.bin: 1.0 MiB of 4.0 MiB (25%)",
		"    up: f.bin: 2.0 MiB of 4.0 MiB (50%)",
		"    up: f.bin: 3.0 MiB of 4.0 MiB (75%)",
		"    up: f.bin: 4.0 MiB of 4.0 MiB (100%)",
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("printed %d lines:\n%s\nwant %d quarter lines and a final one", len(lines), got, len(want))
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[i], w)
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "    up: f.bin: 4.0 MiB of 4.0 MiB (100%) in ") {
		t.Errorf("final line = %q, want the total and the time taken", last)
	}
	if strings.Contains(got, "\r") {
		t.Errorf("lines mode printed a carriage return:\n%q", got)
	}
}

func TestProgressBarIsRateLimited(t *testing.T) {
	const total = 1 << 20
	start := time.Now()
	got := trackAll(t, true, total, 16)
	elapsed := time.Since(start)
	draws := strings.Count(got, "[")
	// One draw on the first read, then at most one per barInterval, plus
	// the final line.
	if limit := 2 + int(elapsed/barInterval); draws > limit {
		t.Errorf("drew the bar %d times in %v of 1-line reads, want at most %d", draws, elapsed, limit)
	}
	if !strings.Contains(got, "    up: f.bin [>") && !strings.Contains(got, "    up: f.bin [=") {
		t.Errorf("output %q has no bar", got)
	}
	if !strings.HasSuffix(got, "\n") || !strings.Contains(got, "\r\x1b[K    up: f.bin: 1.0 MiB of 1.0 MiB (100%) in ") {
		t.Errorf("output %q does not end with the bar replaced by a final line", got)
	}
}

func TestProgressBarKeepsLinesApart(t *testing.T) {
	var out bytes.Buffer
	c := newConsole(&out, &out, strings.NewReader(""), true, false)
	c.setBar("BAR")
	newUi(c, "x").Say("hello")
	c.endBar("done")
	if got, want := out.String(), "BAR\r\x1b[K==> x: hello\nBAR\r\x1b[Kdone\n"; got != want {
		t.Errorf("console wrote %q, want %q", got, want)
	}
}

func TestProgressUnknownTotal(t *testing.T) {
	var out bytes.Buffer
	c := newConsole(&out, io.Discard, strings.NewReader(""), false, false)
	const size = lineEvery + 10
	r := newUi(c, "up").TrackProgress("s", 0, 0, io.NopCloser(bytes.NewReader(make([]byte, size))))
	io.Copy(io.Discard, r)
	r.Close()
	r.Close() // only the first Close prints
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || lines[0] != "    up: s: 16.0 MiB" || !strings.HasPrefix(lines[1], "    up: s: 16.0 MiB in ") {
		t.Errorf("printed %q, want one line per 16 MiB and a final one", lines)
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{4 << 20, "4.0 MiB"}, {3 << 30, "3.0 GiB"}, {5 << 40, "5.0 TiB"},
	}
	for _, tt := range tests {
		if got := humanBytes(tt.n); got != tt.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
