package plugin

import (
	"errors"
	"io/fs"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStartFailures(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		edit     func(*ClientConfig)
		versions []int // host's versions; nil means the default
		check    func(t *testing.T, err error)
		contains []string // substrings of the error message
	}{
		{
			name: "garbled line", mode: "garbled",
			check:    wantHandshakeError("muxplug|one|tcp|127.0.0.1:1"),
			contains: []string{`bad protocol version "one"`},
		},
		{
			name: "plugin newer", mode: "newer", versions: []int{9},
			check:    wantIs(ErrIncompatibleVersion),
			contains: []string{"plugin speaks protocol 10, host speaks 9: upgrade the host"},
		},
		{
			name: "plugin older", mode: "serve", versions: []int{7},
			check:    wantVersionError([]int{7}, 1, "plugin: incompatible protocol version: host speaks 7, plugin speaks 1"),
			contains: []string{"plugin speaks protocol 1, host speaks 7: upgrade the plugin"},
		},
		{
			name: "refuses a version the host speaks", mode: "refuser",
			check:    wantVersionError([]int{1}, 1, "refusing: this plugin needs protocol 1 with extension x"),
			contains: []string{"plugin refused every protocol version the host offered (1)"},
		},
		{
			name: "exits before handshake", mode: "exit",
			check:    wantExitCode(3),
			contains: []string{"boom: configuration missing", "exited with code 3: no handshake line"},
		},
		{
			name: "hangs", mode: "hang",
			edit:     func(c *ClientConfig) { c.StartTimeout = 500 * time.Millisecond },
			check:    wantIs(ErrStartTimeout),
			contains: []string{"starting...", "loading modules", "stray stdout lines: 1"},
		},
		{
			name: "bad network", mode: "serve",
			edit:  func(c *ClientConfig) { c.Network = "udp" },
			check: wantIs(ErrInvalidConfig),
		},
		{
			name: "bad port range", mode: "serve",
			edit:  func(c *ClientConfig) { c.MinPort, c.MaxPort = 20000, 10000 },
			check: wantIs(ErrInvalidConfig),
		},
		{
			name: "Stdout already set", mode: "serve",
			edit:  func(c *ClientConfig) { c.Cmd.Stdout = new(strings.Builder) },
			check: wantIs(ErrInvalidConfig),
		},
		{
			name: "missing binary", mode: "serve",
			edit:  func(c *ClientConfig) { c.Cmd = exec.Command("/nonexistent/plugin") },
			check: wantIs(fs.ErrNotExist),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, tt.mode, tt.edit)
			if tt.versions != nil {
				c.versions = tt.versions
			}
			start := time.Now()
			_, err := c.Start()
			if err == nil {
				t.Fatal("Start succeeded")
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Start took %v", d)
			}
			t.Logf("Start error: %v", err)
			tt.check(t, err)
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Start error %q does not mention %q", err, s)
				}
			}
			if c.proc != nil && !c.Exited() {
				t.Error("process still running after a failed Start")
			}
			if _, err2 := c.Start(); err2 != err {
				t.Errorf("second Start = %v, want the first error", err2)
			}
		})
	}
}

func wantIs(targets ...error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		for _, target := range targets {
			if errors.Is(err, target) {
				return
			}
		}
		t.Errorf("Start error %v is none of %v", err, targets)
	}
}

func wantVersionError(host []int, plugin int, tail string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ve *VersionError
		if !errors.As(err, &ve) || !slices.Equal(ve.Host, host) || ve.Plugin != plugin {
			t.Fatalf("Start error %v: want *VersionError{Host: %v, Plugin: %d}", err, host, plugin)
		}
		if !errors.Is(err, ErrIncompatibleVersion) {
			t.Errorf("Start error %v does not wrap ErrIncompatibleVersion", err)
		}
		if !slices.Contains(ve.Tail, tail) {
			t.Errorf("VersionError.Tail = %q, want the plugin's line %q", ve.Tail, tail)
		}
	}
}

func wantHandshakeError(line string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var he *HandshakeError
		if !errors.As(err, &he) || he.Line != line {
			t.Errorf("Start error %v: want *HandshakeError for line %q", err, line)
		}
	}
}

func wantExitCode(code int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != code {
			t.Errorf("Start error %v: want *ExitError with code %d", err, code)
		}
	}
}
