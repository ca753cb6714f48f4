package local

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
)

// run is a finished command and its output.
type run struct {
	stdout, stderr bytes.Buffer
	rc             *packer.RemoteCmd
}

// runCmd starts command through c and waits for it to end.
func runCmd(tb testing.TB, c *Communicator, command, stdin string) *run {
	tb.Helper()
	r := &run{}
	r.rc = &packer.RemoteCmd{Command: command, Stdout: &r.stdout, Stderr: &r.stderr}
	if stdin != "" {
		r.rc.Stdin = strings.NewReader(stdin)
	}
	ctx := testCtx(tb)
	if err := c.Start(ctx, r.rc); err != nil {
		tb.Fatalf("Start(%q): %v", command, err)
	}
	if err := r.rc.Wait(ctx); err != nil {
		tb.Fatalf("Wait for %q: %v", command, err)
	}
	return r
}

func TestStart(t *testing.T) {
	c := newComm(t)
	tests := []struct {
		name, command, stdin string
		stdout, stderr       string
		status               int
	}{
		{"stdout", "echo hello", "", "hello\n", "", 0},
		{"stderr and exit 3", "echo oops >&2; exit 3", "", "", "oops\n", 3},
		{"both streams", "echo out; echo err >&2", "", "out\n", "err\n", 0},
		{"stdin", "tr a-z A-Z", "abc\nxyz", "ABC\nXYZ", "", 0},
		{"stdin unread", "exit 0", strings.Repeat("x", 1<<20), "", "", 0},
		{"working directory", "pwd -P", "", mustRealPath(t, c.Dir) + "\n", "", 0},
		{"status 255", "exit 255", "", "", "", 255},
		{"killed by SIGTERM", "kill -TERM $$", "", "", "", 128 + 15},
		{"killed by SIGKILL", "kill -KILL $$", "", "", "", 128 + 9},
		{"shell syntax error", "if", "", "", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, c, tt.command, tt.stdin)
			if got := r.rc.ExitStatus(); got != tt.status {
				t.Errorf("%q: status %d, want %d", tt.command, got, tt.status)
			}
			if got := r.stdout.String(); got != tt.stdout {
				t.Errorf("%q: stdout %q, want %q", tt.command, got, tt.stdout)
			}
			if tt.name != "shell syntax error" && r.stderr.String() != tt.stderr {
				t.Errorf("%q: stderr %q, want %q", tt.command, r.stderr.String(), tt.stderr)
			}
		})
	}
}

func mustRealPath(tb testing.TB, p string) string {
	tb.Helper()
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		tb.Fatal(err)
	}
	return real
}

func TestStartCancel(t *testing.T) {
	tests := []struct{ name, command string }{
		{"exec'd sleep", "sleep 60"},
		// The shell waits for sleep, which holds the output pipe: only
		// killing the process group ends both.
		{"shell with a child", "sleep 60; echo never"},
		{"child in the background", "sleep 60 & wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A WaitDelay longer than the test's bound: ending within it
			// proves the kill, not the delay, ended the command.
			c := &Communicator{Dir: t.TempDir(), WaitDelay: time.Hour}
			var out bytes.Buffer
			rc := &packer.RemoteCmd{Command: tt.command, Stdout: &out}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := c.Start(ctx, rc); err != nil {
				t.Fatalf("Start(%q): %v", tt.command, err)
			}
			select {
			case <-rc.Done():
				t.Fatalf("%q ended before it was cancelled: status %d", tt.command, rc.ExitStatus())
			default:
			}
			cancel()
			err := rc.Wait(testCtx(t))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Wait for cancelled %q = %v, want context.Canceled", tt.command, err)
			}
			if got := rc.ExitStatus(); got != packer.ExitStatusUnknown {
				t.Errorf("cancelled %q: status %d, want %d", tt.command, got, packer.ExitStatusUnknown)
			}
			if out.Len() != 0 {
				t.Errorf("cancelled %q wrote %q", tt.command, out.String())
			}
		})
	}
}

func TestStartErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		c    *Communicator
		ctx  context.Context
		rc   *packer.RemoteCmd
		want error
	}{
		{"nil command", &Communicator{}, context.Background(), nil, nil},
		{"missing directory", &Communicator{Dir: filepath.Join(t.TempDir(), "missing")}, context.Background(),
			&packer.RemoteCmd{Command: "true"}, fs.ErrNotExist},
		{"missing shell", &Communicator{Shell: filepath.Join(t.TempDir(), "nosh")}, context.Background(),
			&packer.RemoteCmd{Command: "true"}, fs.ErrNotExist},
		{"cancelled context", &Communicator{}, cancelled, &packer.RemoteCmd{Command: "true"}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Start(tt.ctx, tt.rc)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Start = %v, want an error wrapping %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "local: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tt.rc != nil {
				select {
				case <-tt.rc.Done():
					t.Errorf("failed Start ended the command (status %d)", tt.rc.ExitStatus())
				default:
				}
			}
		})
	}
}

// failWriter fails every write.
type failWriter struct{}

var errSink = errors.New("sink full")

func (failWriter) Write([]byte) (int, error) { return 0, errSink }

func TestStartOutputFailure(t *testing.T) {
	c := newComm(t)
	rc := &packer.RemoteCmd{Command: "echo lost output", Stdout: failWriter{}}
	ctx := testCtx(t)
	if err := c.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	err := rc.Wait(ctx)
	if !errors.Is(err, errSink) {
		t.Fatalf("Wait with a failing stdout = %v, want %v", err, errSink)
	}
}

func TestStartBackgroundHoldsOutput(t *testing.T) {
	// The command exits at once; the process it leaves behind keeps stdout
	// open for a few seconds. WaitDelay cuts the wait short.
	var log bytes.Buffer
	c := &Communicator{Dir: t.TempDir(), WaitDelay: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&log, nil))}
	r := runCmd(t, c, "sleep 3 & echo started", "")
	if !strings.Contains(log.String(), "output still open") {
		t.Errorf("no warning logged about the open output; log: %q", log.String())
	}
	if got := r.rc.ExitStatus(); got != 0 {
		t.Errorf("status %d, want 0", got)
	}
	if got := r.stdout.String(); got != "started\n" {
		t.Errorf("stdout %q, want %q", got, "started\n")
	}
}

func TestStartStdinNeverEnds(t *testing.T) {
	// A reader whose Read blocks until the test ends it: the command's end
	// is reported anyway.
	pr, pw := io.Pipe()
	defer pw.Close() // releases the copying goroutine, for goleak
	c := &Communicator{Dir: t.TempDir(), WaitDelay: time.Hour}
	rc := &packer.RemoteCmd{Command: "read line; echo got $line", Stdin: pr, Stdout: new(bytes.Buffer)}
	ctx := testCtx(t)
	if err := c.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(pw, "one\n"); err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatalf("Wait with a stdin that never ends: %v", err)
	}
	if got, want := rc.Stdout.(*bytes.Buffer).String(), "got one\n"; got != want || rc.ExitStatus() != 0 {
		t.Errorf("stdout %q, status %d; want %q, 0", got, rc.ExitStatus(), want)
	}
}

func TestStartStdinFails(t *testing.T) {
	c := newComm(t)
	rc := &packer.RemoteCmd{Command: "cat >/dev/null", Stdin: &failReader{left: 10}}
	ctx := testCtx(t)
	if err := c.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	if err := rc.Wait(ctx); !errors.Is(err, errSource) {
		t.Fatalf("Wait with a failing stdin = %v, want %v", err, errSource)
	}
}
