package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// Helper plugins of the fault suite (docs/reliability.md). Each Run first
// asks its Ui "started", so that the host knows the method is running.
func init() {
	helpers["blockbuilder"] = func() int { // Run says so on stderr and waits for its ctx
		ServeBuilder(&packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, _ packer.Hook) (packer.Artifact, error) {
			fmt.Fprintln(os.Stderr, "blocking in Run")
			ui.Ask("started")
			<-ctx.Done()
			return nil, fmt.Errorf("run: %w", ctx.Err())
		}})
		return 0
	}
	helpers["hookcaller"] = func() int { // Run calls the host's hook with a ctx it ends
		ServeBuilder(&packertest.Builder{RunFunc: runHookCaller})
		return 0
	}
}

// runHookCaller calls hook.Run("wait") with a context that it cancels
// (when the host's Ui answers "cancel" to "how?") or that has a 100ms
// deadline (otherwise), and returns the hook's error wrapped.
func runHookCaller(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
	how, err := ui.Ask("how?")
	if err != nil {
		return nil, err
	}
	hctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if how == "cancel" {
		hctx, cancel = context.WithCancel(ctx)
		defer cancel()
		time.AfterFunc(50*time.Millisecond, cancel) // whenever it lands, the hook's ctx ends
	}
	if err := hook.Run(hctx, "wait", ui, nil, nil); err != nil {
		return nil, fmt.Errorf("hook: %w", err)
	}
	return nil, nil
}

// startedUi answers "started" by closing started.
func startedUi() (*packertest.Ui, <-chan struct{}) {
	started := make(chan struct{})
	var once sync.Once
	return &packertest.Ui{AskFunc: func(q string) (string, error) {
		if q == "started" {
			once.Do(func() { close(started) })
		}
		return "", nil
	}}, started
}

// runInBackground starts b.Run(ctx) and returns a channel with its error,
// once the method has asked "started".
func runInBackground(t *testing.T, ctx context.Context, b packer.Builder) <-chan error {
	t.Helper()
	ui, started := startedUi()
	errc := make(chan error, 1)
	go func() {
		_, err := b.Run(ctx, ui, nil)
		errc <- err
	}()
	select {
	case <-started:
	case err := <-errc:
		t.Fatalf("Run returned before it started: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("Run not started after 20s")
	}
	return errc
}

// TestKilledMidCall: a plugin SIGKILLed during a call fails the call
// within a second with an *ExitError that carries how it ended and its
// last output; Exited is true.
func TestKilledMidCall(t *testing.T) {
	c := newTestClient(t, "blockbuilder", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	errc := runInBackground(t, context.Background(), b)
	if err := c.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = <-errc
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run failed %v after the kill, want < 1s", d)
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("Run = %v, want an *ExitError", err)
	}
	if !killedBySignal(ee) || ee.Code != -1 || !strings.Contains(strings.Join(ee.Tail, "\n"), "blocking in Run") {
		t.Errorf("ExitError = %+v, want killed by a signal, code -1, tail with the plugin's last line", ee)
	}
	if !c.Exited() {
		t.Error("Exited is false after the kill")
	}
}

// TestCancelMidCall: cancelling the host's context, or reaching its
// deadline, during a call ends the plugin method's context, and the
// error keeps its identity back on the host.
func TestCancelMidCall(t *testing.T) {
	for _, tt := range []struct {
		name string
		want error
	}{{"cancel", context.Canceled}, {"deadline", context.DeadlineExceeded}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, "blockbuilder", nil)
			b, err := c.Builder()
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.want == context.DeadlineExceeded {
				ctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
			}
			errc := runInBackground(t, ctx, b)
			if tt.want == context.Canceled {
				cancel()
			}
			select {
			case err := <-errc:
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "run: ") {
					t.Errorf("Run = %v, want the plugin's error wrapping %v", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run still running 10s after its context ended")
			}
			if c.Exited() {
				t.Error("the plugin exited")
			}
		})
	}
}

// TestCancelCallback: a plugin that ends the context of its call into the
// host (a Hook.Run), by cancelling it or by its deadline, ends the host
// method's context, and the error keeps its identity there and back.
func TestCancelCallback(t *testing.T) {
	for _, tt := range []struct {
		how  string
		want error
	}{{"cancel", context.Canceled}, {"deadline", context.DeadlineExceeded}} {
		t.Run(tt.how, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, "hookcaller", nil)
			b, err := c.Builder()
			if err != nil {
				t.Fatal(err)
			}
			hostSaw := make(chan error, 1)
			hook := &packertest.Hook{RunFunc: func(ctx context.Context, _ string, _ packer.Ui, _ packer.Communicator, _ interface{}) error {
				<-ctx.Done()
				hostSaw <- ctx.Err()
				return ctx.Err()
			}}
			ui := &packertest.Ui{AskFunc: func(string) (string, error) { return tt.how, nil }}
			_, err = b.Run(testContext(t), ui, hook)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "hook: ") {
				t.Errorf("Run = %v, want the plugin's error wrapping %v", err, tt.want)
			}
			if got := <-hostSaw; !errors.Is(got, tt.want) {
				t.Errorf("the host's hook saw %v, want %v", got, tt.want)
			}
		})
	}
}
