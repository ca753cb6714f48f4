package plugin

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestSplitLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"empty", "", 16, nil},
		{"one line", "hello\n", 16, []string{"hello"}},
		{"no final newline", "a\nb", 16, []string{"a", "b"}},
		{"empty lines", "\n\n", 16, []string{"", ""}},
		{"crlf kept", "a\r\n", 16, []string{"a\r"}},
		{"split long", "abcdefghij\n", 4, []string{"abcd", "efgh", "ij"}},
		{"exact multiple", "abcdefgh\n", 4, []string{"abcd", "efgh"}},
		{"long at buffer size", strings.Repeat("x", 20) + "\nz", 16,
			[]string{strings.Repeat("x", 16), "xxxx", "z"}},
		{"invalid utf8", "\xff\xfe\n", 16, []string{"\xff\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := splitLines(strings.NewReader(tt.in), tt.max, func(l []byte) { got = append(got, string(l)) })
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("splitLines(%q, %d) = %q, %v; want %q", tt.in, tt.max, got, err, tt.want)
			}
		})
	}
}

func TestSplitLinesReadError(t *testing.T) {
	err := splitLines(iotest.TimeoutReader(strings.NewReader("partial")), 16, func([]byte) {})
	if err == nil {
		t.Error("splitLines hid a read error")
	}
}

func FuzzSplitLines(f *testing.F) {
	f.Add([]byte("a\nb\n"), 16)
	f.Add([]byte("no newline"), 4)
	f.Add([]byte("\xff\xfe\r\n\n\n"), 1)
	f.Add(bytes.Repeat([]byte("x"), 100), 16)
	f.Fuzz(func(t *testing.T, in []byte, maxLen int) {
		if maxLen < 1 || maxLen > 1<<16 {
			return
		}
		var pieces [][]byte
		err := splitLines(bytes.NewReader(in), maxLen, func(l []byte) {
			if len(l) > maxLen || bytes.IndexByte(l, '\n') >= 0 {
				t.Fatalf("piece %q: longer than %d or contains a newline", l, maxLen)
			}
			pieces = append(pieces, bytes.Clone(l))
		})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing is lost: the pieces, rejoined, are the input minus newlines.
		if got, want := bytes.Join(pieces, nil), bytes.ReplaceAll(in, []byte("\n"), nil); !bytes.Equal(got, want) {
			t.Fatalf("pieces %q do not add up to %q", pieces, in)
		}
	})
}

// blockingWriter blocks every Write until released.
type blockingWriter struct{ release chan struct{} }

func (w blockingWriter) Write(p []byte) (int, error) { <-w.release; return len(p), nil }

func TestRelayTailAndLog(t *testing.T) {
	var out syncBuffer
	rec := &recorder{}
	r := newRelay("myplugin", &out, slog.New(rec), 1, time.Second)
	var in strings.Builder
	for i := range 30 {
		in.WriteString(strings.Repeat("y", i) + "\r\n")
	}
	in.WriteString("last")
	r.produce("stderr", strings.NewReader(in.String()))
	<-r.done
	tail := r.tail()
	if len(tail) != tailLines || tail[len(tail)-1] != "last" || tail[0] != strings.Repeat("y", 11) {
		t.Errorf("tail = %q", tail)
	}
	if got, want := out.String(), in.String()+"\n"; got != want {
		t.Errorf("relayed %q, want %q", got, want)
	}
	msgs := rec.messages()
	if len(msgs) != 31 {
		t.Fatalf("logged %d records, want 31", len(msgs))
	}
	var name, stream string
	msgs[30].Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "plugin":
			name = a.Value.String()
		case "stream":
			stream = a.Value.String()
		}
		return true
	})
	if msgs[30].Message != "last" || name != "myplugin" || stream != "stderr" {
		t.Errorf("record = %q plugin=%q stream=%q", msgs[30].Message, name, stream)
	}
}

// TestPluginOutput runs a plugin that writes awkward output and checks what
// reaches ClientConfig.Stderr and the logger.
func TestPluginOutput(t *testing.T) {
	var out syncBuffer
	rec := &recorder{}
	c := newTestClient(t, "chatty", func(c *ClientConfig) {
		c.Stderr = &out
		c.Logger = slog.New(rec)
		c.Name = "chatty"
	})
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	c.Kill()
	got := out.String()
	for _, want := range []string{"plain line\n", "invalid \xff\xfe utf8\n", "after long\n", "no newline at end\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("Stderr output lacks %q", want)
		}
	}
	if !strings.Contains(got, strings.Repeat("x", maxLineBytes)+"\n") {
		t.Error("long line not relayed in pieces")
	}
	n := 0
	for _, m := range rec.messages() {
		m.Attrs(func(a slog.Attr) bool {
			if a.Key == "plugin" && a.Value.String() == "chatty" {
				n++
			}
			return true
		})
	}
	if n < 6 {
		t.Errorf("%d log records carry the plugin name, want at least 6", n)
	}
}

// TestKillBoundedOutput: Kill returns in bounded time even when a
// grandchild holds the plugin's stderr open, or the Stderr writer is stuck.
func TestKillBoundedOutput(t *testing.T) {
	const grace = 300 * time.Millisecond
	t.Run("grandchild holds stderr", func(t *testing.T) {
		pidFile := filepath.Join(t.TempDir(), "child.pid")
		c := newTestClient(t, "forker", func(c *ClientConfig) {
			c.KillTimeout = grace
			c.Cmd.Env = append(c.Cmd.Env, pidFileEnv+"="+pidFile)
		})
		if _, err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { killPid(readPid(t, pidFile)) })
		start := time.Now()
		c.Kill()
		if d := time.Since(start); d > grace+2*time.Second {
			t.Errorf("Kill took %v with a grandchild holding stderr", d)
		}
	})
	t.Run("stuck writer", func(t *testing.T) {
		w := blockingWriter{release: make(chan struct{})}
		c := newTestClient(t, "chatty", func(c *ClientConfig) {
			c.KillTimeout = grace
			c.Stderr = w
		})
		if _, err := c.Start(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c.Kill()
		if d := time.Since(start); d > grace+2*time.Second {
			t.Errorf("Kill took %v with a stuck Stderr writer", d)
		}
		close(w.release) // let the relay goroutine finish for goleak
		<-c.proc.relay.done
	})
}
