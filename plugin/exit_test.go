package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func init() {
	// A builder whose Run ignores its context: it blocks until the
	// process ends.
	helpers["stuckbuilder"] = func() int {
		ServeBuilder(&packertest.Builder{RunFunc: func(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
			fmt.Fprintln(os.Stderr, "run started")
			select {}
		}})
		return 0
	}
	// A provisioner whose Provision fails with an error wrapping
	// codec.ErrTooLarge: it tries to say more than a message may hold.
	helpers["hugeprovisioner"] = func() int {
		ServeProvisioner(&packertest.Provisioner{ProvisionFunc: func(_ context.Context, ui packer.Ui, _ packer.Communicator) error {
			if _, err := ui.Ask(strings.Repeat("x", codec.MaxMessageSize+1)); err != nil {
				return fmt.Errorf("asking: %w", err)
			}
			return errors.New("the oversized Ask went through")
		}})
		return 0
	}
}

// TestKillWithStuckCall kills a plugin whose method ignores its context:
// the plugin cancels it, waits its ExitTimeout, names the call in its log
// and exits on its own with ExitCallsAbandoned, well within the host's
// grace period, without SIGKILL.
func TestKillWithStuckCall(t *testing.T) {
	var stderr syncBuffer
	c := newTestClient(t, "stuckbuilder", func(cfg *ClientConfig) {
		cfg.Stderr = &stderr
		cfg.KillTimeout = 5 * time.Second
	})
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := b.Run(context.Background(), nil, nil); done <- err }()
	waitForText(t, &stderr, "run started")
	start := time.Now()
	c.Kill()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Kill took %v: the plugin did not exit on its own", d)
	}
	if code := c.proc.state.ExitCode(); code != ExitCallsAbandoned {
		t.Errorf("exit code %d, want ExitCallsAbandoned (%d); output:\n%s", code, ExitCallsAbandoned, stderr.String())
	}
	if out := stderr.String(); !strings.Contains(out, "Builder.Run") || !strings.Contains(out, "still running") {
		t.Errorf("the plugin's log does not name the abandoned call:\n%s", out)
	}
	if err := <-done; err == nil {
		t.Error("the stuck Run returned no error")
	}
}

// TestTooLargeAcrossTheWire: a plugin's call that is too large to send
// fails there with codec.ErrTooLarge, naming the call; the plugin returns
// it wrapped, errors.Is holds on the host, and the connection still works.
func TestTooLargeAcrossTheWire(t *testing.T) {
	c := newTestClient(t, "hugeprovisioner", nil)
	p, err := c.Provisioner()
	if err != nil {
		t.Fatal(err)
	}
	err = p.Provision(context.Background(), &packertest.Ui{}, nil)
	if !errors.Is(err, codec.ErrTooLarge) || !strings.Contains(err.Error(), "Ui.Ask") {
		t.Fatalf("Provision = %v, want an error wrapping codec.ErrTooLarge that names Ui.Ask", err)
	}
	if err := p.Prepare(); err != nil {
		t.Errorf("Prepare after the oversized call = %v: the connection should still work", err)
	}
}

// waitForText waits, at most 10 s, until out holds s.
func waitForText(t *testing.T, out *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the plugin's output:\n%s", s, out.String())
		}
		time.Sleep(time.Millisecond)
	}
}
