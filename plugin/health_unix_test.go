//go:build !windows

package plugin

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// TestStoppedPluginNoticed stops the plugin with SIGSTOP: with short
// keepalives the host notices, and the call in flight, later calls and
// Ping fail with ErrUnresponsive.
func TestStoppedPluginNoticed(t *testing.T) {
	const wait = 300 * time.Millisecond
	c := newTestClient(t, "set", func(cfg *ClientConfig) {
		cfg.Mux = &mux.Config{KeepAliveInterval: 50 * time.Millisecond, ConnectionWriteTimeout: wait}
		cfg.KillTimeout = 500 * time.Millisecond
	})
	b, err := c.BuilderNamed(testContext(t), "blocker")
	if err != nil {
		t.Fatal(err)
	}
	ui := &sayWaiter{said: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		_, err := b.Run(testContext(t), ui, nil)
		errc <- err
	}()
	<-ui.said // the call is running in the plugin
	pid := c.Stats().Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(pid, syscall.SIGCONT)
	start := time.Now()
	err = <-errc // bounded: the keepalive ends the session
	if !errors.Is(err, ErrUnresponsive) || !strings.Contains(err.Error(), "hung or stopped") {
		t.Errorf("call in flight in a stopped plugin = %v, want ErrUnresponsive", err)
	}
	t.Logf("call in flight: %v", err)
	if d := time.Since(start); d > 10*wait {
		t.Errorf("noticed after %v, want about %v", d, wait)
	}
	if _, err := c.Ping(testContext(t)); err == nil {
		t.Error("Ping of a stopped plugin succeeded")
	}
	if _, err := c.BuilderNamed(testContext(t), "counter"); err == nil {
		t.Error("a call after the session ended succeeded")
	}
}
