package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// goodEnv returns launch variables a host would set.
func goodEnv() map[string]string {
	return map[string]string{
		MagicCookieKey: MagicCookieValue,
		envMinPort:     "10000",
		envMaxPort:     "25000",
		envVersions:    "1",
		envNetwork:     "tcp",
		envSecret:      strings.Repeat("ab", secretSize),
		envLifeline:    "1",
	}
}

func TestServeErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)

	tests := []struct {
		name       string
		component  interface{}
		edit       func(env map[string]string, sc *ServeConfig)
		want       error
		wantStdout string
		code       int
	}{
		{name: "no cookie", edit: func(e map[string]string, _ *ServeConfig) { delete(e, MagicCookieKey) },
			want: ErrNotPlugin, code: ExitNotPlugin},
		{name: "not a component", component: 42, want: ErrInvalidConfig, code: ExitServeFailed},
		{name: "short secret", edit: func(e map[string]string, _ *ServeConfig) { e[envSecret] = "abcd" },
			want: ErrBadEnvironment, code: ExitBadEnvironment},
		{name: "bad port", edit: func(e map[string]string, _ *ServeConfig) { e[envMinPort] = "x" },
			want: ErrBadEnvironment, code: ExitBadEnvironment},
		{name: "bad network", edit: func(e map[string]string, _ *ServeConfig) { e[envNetwork] = "udp" },
			want: ErrBadEnvironment, code: ExitBadEnvironment},
		{name: "no common version", edit: func(e map[string]string, _ *ServeConfig) { e[envVersions] = "7,8" },
			want: ErrIncompatibleVersion, wantStdout: "muxplug|1|tcp|-\n", code: ExitBadEnvironment},
		{name: "no free port", edit: func(e map[string]string, _ *ServeConfig) { e[envMinPort], e[envMaxPort] = busyPort, busyPort },
			want: ErrNoPort, code: ExitListen},
		{name: "host gone", edit: func(_ map[string]string, sc *ServeConfig) { sc.Stdin = strings.NewReader("") },
			want: ErrHostGone, wantStdout: "muxplug|1|tcp|127.0.0.1:", code: ExitNoHost},
		{name: "no lifeline", edit: func(e map[string]string, sc *ServeConfig) { delete(e, envLifeline); sc.Stdin = strings.NewReader("") },
			want: ErrConnectTimeout, wantStdout: "muxplug|1|tcp|127.0.0.1:", code: ExitNoHost},
		{name: "host never connects", edit: func(_ map[string]string, sc *ServeConfig) { sc.ConnectTimeout = 50 * time.Millisecond },
			want: ErrConnectTimeout, wantStdout: "muxplug|1|tcp|127.0.0.1:", code: ExitNoHost},
		{name: "unix without a directory", edit: func(e map[string]string, _ *ServeConfig) { e[envNetwork] = "unix" },
			want: ErrConnectTimeout, wantStdout: "muxplug|1|unix|/", code: ExitNoHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := goodEnv()
			stdinR, stdinW := io.Pipe()
			t.Cleanup(func() { stdinW.Close() })
			var stdout syncBuffer
			sc := &ServeConfig{Stdout: &stdout, Stdin: stdinR, ConnectTimeout: 100 * time.Millisecond,
				Logger: discardLogger(), Getenv: func(k string) string { return env[k] }}
			if tt.edit != nil {
				tt.edit(env, sc)
			}
			component := tt.component
			if component == nil {
				component = stubBuilder{}
			}
			err := Serve(context.Background(), component, sc)
			if !errors.Is(err, tt.want) {
				t.Errorf("Serve = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(stdout.String(), tt.wantStdout) {
				t.Errorf("Serve printed %q, want it to start with %q", stdout.String(), tt.wantStdout)
			}
			if code := exitCode(err, false); code != tt.code {
				t.Errorf("exitCode(%v) = %d, want %d", err, code, tt.code)
			}
		})
	}
}

func TestServeCancelled(t *testing.T) {
	env := goodEnv()
	stdinR, stdinW := io.Pipe()
	defer stdinW.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("stop now"))
	err := Serve(ctx, stubBuilder{}, &ServeConfig{Stdout: io.Discard, Stdin: stdinR,
		Logger: discardLogger(), Getenv: func(k string) string { return env[k] }})
	if err == nil || err.Error() != "stop now" {
		t.Errorf("Serve with a cancelled ctx = %v, want its cause", err)
	}
	if code := exitCode(err, true); code != ExitOK {
		t.Errorf("exit code after SIGTERM = %d, want %d", code, ExitOK)
	}
}

func TestListenTCP(t *testing.T) {
	var busy []net.Listener
	defer func() {
		for _, l := range busy {
			l.Close()
		}
	}()
	// Find three consecutive free ports and occupy the first two.
	base := 0
	for p := 20000 + os.Getpid()%5000; p < 65000 && base == 0; p += 3 {
		var ls []net.Listener
		for i := range 3 {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+i))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) == 3 {
			base = p
			ls[2].Close()
			busy = ls[:2]
		} else {
			for _, l := range ls {
				l.Close()
			}
		}
	}
	if base == 0 {
		t.Skip("no three consecutive free ports")
	}
	for range 10 { // random starts: every one must wrap around to the free port
		ln, err := listenTCP(uint(base), uint(base+2))
		if err != nil {
			t.Fatalf("listenTCP(%d, %d) = %v", base, base+2, err)
		}
		if got := ln.Addr().(*net.TCPAddr).Port; got != base+2 {
			t.Errorf("listenTCP picked port %d, want the free %d", got, base+2)
		}
		ln.Close()
	}
	if _, err := listenTCP(uint(base), uint(base+1)); !errors.Is(err, ErrNoPort) {
		t.Errorf("listenTCP on a full range = %v, want ErrNoPort", err)
	}
	if _, err := listenTCP(10, 5); !errors.Is(err, ErrBadEnvironment) {
		t.Errorf("listenTCP(10, 5) = %v, want ErrBadEnvironment", err)
	}
}

func TestListenUnix(t *testing.T) {
	dir, err := privateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ln, err := listenUnix(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(ln.Addr().String())
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, %v; want a 0600 socket", fi.Mode(), err)
	}
	ln.Close()
	open := t.TempDir()
	os.Chmod(open, 0o755)
	if _, err := listenUnix(open); !errors.Is(err, ErrBadEnvironment) {
		t.Errorf("listenUnix in a 0755 directory = %v, want ErrBadEnvironment", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg := &ClientConfig{Cmd: helperCmd("serve")}
	c := NewClient(cfg)
	defer c.Kill()
	if cfg.MinPort != 0 || cfg.StartTimeout != 0 || cfg.Logger != nil || cfg.Mux != nil {
		t.Errorf("NewClient modified the caller's config: %+v", cfg)
	}
	got := c.cfg
	if got.MinPort != DefaultMinPort || got.MaxPort != DefaultMaxPort || got.StartTimeout != DefaultStartTimeout ||
		got.KillTimeout != DefaultKillTimeout || got.Network != "tcp" || got.Name != "plugin.test" || got.Mux == nil {
		t.Errorf("defaults not applied: %+v", got)
	}
	if _, err := NewClient(nil).Start(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Start with a nil config = %v, want ErrInvalidConfig", err)
	}
}
