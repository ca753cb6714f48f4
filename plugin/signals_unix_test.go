//go:build !windows

package plugin

import (
	"syscall"
	"testing"
	"time"
)

// TestSignals: a plugin ignores SIGINT (the host decides) and stops
// gracefully on SIGTERM.
func TestSignals(t *testing.T) {
	c := newTestClient(t, "builder", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	pid := c.proc.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	if _, err := b.Prepare(); err != nil || c.Exited() {
		t.Fatalf("after SIGINT: Prepare = %v, Exited = %v", err, c.Exited())
	}
	syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-c.proc.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("plugin still running 5s after SIGTERM")
	}
	if code := c.proc.state.ExitCode(); code != ExitOK {
		t.Errorf("exit code after SIGTERM = %d, want %d", code, ExitOK)
	}
}
