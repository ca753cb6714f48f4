package plugin

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestKillConcurrent(t *testing.T) {
	c := newTestClient(t, "serve", nil)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Kill()
			if !c.Exited() {
				t.Error("Kill returned before the process exited")
			}
		}()
	}
	wg.Wait()
	c.Kill() // and once more
}

func TestKillGraceThenForce(t *testing.T) {
	const grace = 300 * time.Millisecond
	c := newTestClient(t, "stubborn", func(c *ClientConfig) { c.KillTimeout = grace })
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Kill()
	d := time.Since(start)
	if d < grace || d > grace+2*time.Second {
		t.Errorf("Kill of a plugin ignoring Exit took %v, want about %v", d, grace)
	}
	ws := c.proc.state.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("plugin ended with %v, want SIGKILL", c.proc.state)
	}
}

func TestKillBeforeStart(t *testing.T) {
	c := newTestClient(t, "serve", nil)
	c.Kill()
	if _, err := c.Start(); !errors.Is(err, ErrKilled) {
		t.Errorf("Start after Kill = %v, want ErrKilled", err)
	}
	if !c.Exited() {
		t.Error("killed client not Exited")
	}
	if c.proc != nil {
		t.Error("a killed client started a process")
	}
}

func TestKillDuringStart(t *testing.T) {
	c := newTestClient(t, "hang", nil) // StartTimeout is long
	errc := make(chan error, 1)
	go func() { _, err := c.Start(); errc <- err }()
	time.Sleep(200 * time.Millisecond) // let Start begin; either order is fine
	start := time.Now()
	c.Kill()
	err := <-errc
	if !errors.Is(err, ErrKilled) {
		t.Errorf("interrupted Start = %v, want ErrKilled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Kill during Start took %v", d)
	}
}

func TestCrashMidCall(t *testing.T) {
	tests := []struct {
		name, method string
		arg          any
		code         int
		tail         string
	}{
		{"exit", "Crash", 7, 7, "about to crash"},
		{"panic", "Panic", "kaboom", 2, "panic: kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, "serve", nil)
			if _, err := c.Start(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err := call(c, tt.method, tt.arg, new(int))
			if d := time.Since(start); d > time.Second {
				t.Errorf("call failed after %v, want < 1s", d)
			}
			var ee *ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("call error %v: want an *ExitError", err)
			}
			if ee.Code != tt.code || !strings.Contains(strings.Join(ee.Tail, "\n"), tt.tail) {
				t.Errorf("ExitError code %d tail %q; want code %d and %q", ee.Code, ee.Tail, tt.code, tt.tail)
			}
			if ee.Unwrap() == nil {
				t.Error("ExitError wraps no transport error")
			}
			if !c.Exited() {
				t.Error("Exited is false after a crash")
			}
		})
	}
}

func TestCleanupClients(t *testing.T) {
	var clients []*Client
	for i := range 3 {
		mode := "serve"
		if i == 2 {
			mode = "stubborn"
		}
		c := newTestClient(t, mode, func(c *ClientConfig) {
			c.Managed = true
			c.KillTimeout = 500 * time.Millisecond
		})
		if _, err := c.Start(); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	start := time.Now()
	CleanupClients()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("CleanupClients took %v; clients should be killed in parallel", d)
	}
	for i, c := range clients {
		if !c.Exited() {
			t.Errorf("client %d still running", i)
		}
	}
	managed.mu.Lock()
	n := len(managed.clients)
	managed.mu.Unlock()
	if n != 0 {
		t.Errorf("%d clients still managed", n)
	}
	CleanupClients() // safe to call again
}

func TestNoCookie(t *testing.T) {
	cmd := helperCmd("realserve")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Env = append(cmd.Env, MagicCookieKey+"=wrong")
	err := cmd.Run()
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) || ee.ExitCode() != ExitNotPlugin {
		t.Fatalf("plugin run without cookie: %v, want exit code %d", err, ExitNotPlugin)
	}
	if !strings.Contains(stderr.String(), "This binary is a plugin") {
		t.Errorf("stderr = %q, want an explanation", stderr.String())
	}
}

func TestUnixNetwork(t *testing.T) {
	var socketMode, dirMode os.FileMode
	c := newTestClient(t, "serve", func(c *ClientConfig) { c.Network = "unix" })
	between := func(hs handshake) {
		if fi, err := os.Stat(hs.Addr); err == nil {
			socketMode = fi.Mode()
		}
		if fi, err := os.Stat(c.unixDir); err == nil {
			dirMode = fi.Mode()
		}
	}
	addr, err := c.startBetween(between)
	if err != nil {
		t.Fatal(err)
	}
	if socketMode&os.ModeSocket == 0 || socketMode.Perm() != 0o600 {
		t.Errorf("socket %s mode %v, want a 0600 socket", addr, socketMode)
	}
	if !dirMode.IsDir() || dirMode.Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", dirMode)
	}
	var reply string
	if err := call(c, "Echo", "over unix", &reply); err != nil || reply != "over unix" {
		t.Errorf("Echo = %q, %v", reply, err)
	}
	c.Kill()
	if _, err := os.Stat(c.unixDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket directory left behind: %v", err)
	}
}

// TestCommandContext: cancelling the context of a Cmd made by
// exec.CommandContext stops the plugin gracefully (SIGTERM), not with
// SIGKILL.
func TestCommandContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newTestClient(t, "builder", func(cfg *ClientConfig) {
		cmd := exec.CommandContext(ctx, cfg.Cmd.Path, cfg.Cmd.Args[1:]...)
		cmd.Env = cfg.Cmd.Env
		cfg.Cmd = cmd
	})
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-c.proc.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("plugin still running 5s after its context ended")
	}
	if code := c.proc.state.ExitCode(); code != ExitOK {
		t.Errorf("plugin ended with %v, want a graceful exit", c.proc.state)
	}
}
