package remote

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// checkNoCalls fails the test unless c holds no running call, no entry of
// its Cancel table and no tombstone.
func checkNoCalls(t testing.TB, what string, c *Conn) {
	t.Helper()
	if st := c.Stats(); st.Calls != 0 || st.Cancelable != 0 || st.Tombstones != 0 {
		t.Errorf("%s: %d calls running, %d cancellable, %d tombstones; want none", what, st.Calls, st.Cancelable, st.Tombstones)
	}
}

// TestCancelHostToPlugin cancels a Builder.Run before, during and after
// the call.
func TestCancelHostToPlugin(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		started := make(chan struct{}, 1)
		fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
			started <- struct{}{}
			if ui != nil { // "wait": block until cancelled
				<-ctx.Done()
			}
			return nil, ctx.Err()
		}}
		s := connect(t, network, fake)
		b := s.hc.Builder()
		wait := &packertest.Ui{}

		ctx, cancel := context.WithCancel(testCtx(t))
		cancel()
		if _, err := b.Run(ctx, nil, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("before: Run = %v, want context.Canceled", err)
		}
		<-started

		ctx, cancel = context.WithCancel(testCtx(t))
		go func() { <-started; cancel() }()
		if _, err := b.Run(ctx, wait, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("during: Run = %v, want context.Canceled", err)
		}

		ctx, cancel = context.WithCancel(testCtx(t))
		if _, err := b.Run(ctx, nil, nil); err != nil {
			t.Errorf("after: Run = %v, want nil", err)
		}
		<-started
		cancel()
		checkNoCalls(t, "plugin after", s.pc)
	})
}

// TestCancelRace cancels calls at arbitrary moments, concurrently with the
// call, and checks that every call returns and nothing stays registered.
func TestCancelRace(t *testing.T) {
	fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
			return nil, nil
		}
	}}
	s := connect(t, "tcp", fake)
	b := s.hc.Builder()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(testCtx(t))
			go func() {
				for range i % 5 {
					time.Sleep(100 * time.Microsecond)
				}
				cancel()
			}()
			if _, err := b.Run(ctx, nil, nil); err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want nil or context.Canceled", err)
			}
		}()
	}
	wg.Wait()
	if st := s.pc.Stats(); st.Calls != 0 || st.Cancelable != 0 {
		t.Errorf("%d calls running, %d cancellable still registered", st.Calls, st.Cancelable)
	}
}

// TestCancelPluginToHost has the plugin cancel its own calls to the host's
// Hook before, during and after them.
func TestCancelPluginToHost(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		hookStarted := make(chan struct{}, 1)
		hook := &packertest.Hook{RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
			hookStarted <- struct{}{}
			if name == "wait" {
				<-ctx.Done()
			}
			return ctx.Err()
		}}
		var host *Conn
		fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, h packer.Hook) (packer.Artifact, error) {
			return nil, cancelHookCalls(ctx, h, hookStarted, host)
		}}
		s := connect(t, network, fake)
		host = s.hc
		if _, err := s.hc.Builder().Run(testCtx(t), nil, hook); err != nil {
			t.Error(err)
		}
	})
}

// cancelHookCalls is the plugin side of TestCancelPluginToHost.
func cancelHookCalls(ctx context.Context, h packer.Hook, started chan struct{}, host *Conn) error {
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.Run(c, "now", nil, nil, nil); !errors.Is(err, context.Canceled) {
		return errors.Join(errors.New("before: want context.Canceled"), err)
	}
	<-started
	c, cancel = context.WithCancel(ctx)
	go func() { <-started; cancel() }()
	if err := h.Run(c, "wait", nil, nil, nil); !errors.Is(err, context.Canceled) {
		return errors.Join(errors.New("during: want context.Canceled"), err)
	}
	c, cancel = context.WithCancel(ctx)
	err := h.Run(c, "now", nil, nil, nil)
	cancel()
	if err != nil {
		return errors.Join(errors.New("after: want nil"), err)
	}
	<-started
	if st := host.Stats(); st.Cancelable != 0 || st.Tombstones != 0 {
		return fmt.Errorf("after: the host holds %d cancellable calls and %d tombstones", st.Cancelable, st.Tombstones)
	}
	return nil
}

// TestCancelStartFromPlugin has the plugin cancel the context it gave to
// the host Communicator's Start after Start returned: the host's command
// must stop.
func TestCancelStartFromPlugin(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
			c, cancel := context.WithCancel(ctx)
			cmd := &packer.RemoteCmd{Command: "sleep 30"}
			err := comm.Start(c, cmd)
			cancel()
			if err != nil {
				return err
			}
			if err := cmd.Wait(ctx); !errors.Is(err, context.Canceled) {
				return errors.Join(errors.New("want context.Canceled from the stopped command"), err)
			}
			if st := cmd.ExitStatus(); st != packer.ExitStatusUnknown {
				return errors.New("exit status is not ExitStatusUnknown")
			}
			return nil
		}}
		s := connect(t, network, fake)
		if err := s.hc.Provisioner().Provision(testCtx(t), nil, newLocalComm(t)); err != nil {
			t.Error(err)
		}
	})
}

func TestDeadlinePropagation(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		var hostDeadline time.Time
		hook := &packertest.Hook{RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
			hostDeadline, _ = ctx.Deadline()
			return nil
		}}
		var pluginDeadline time.Time
		fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, h packer.Hook) (packer.Artifact, error) {
			pluginDeadline, _ = ctx.Deadline()
			if err := h.Run(ctx, "h", nil, nil, nil); err != nil {
				return nil, err
			}
			<-ctx.Done() // until the deadline passes
			return nil, ctx.Err()
		}}
		s := connect(t, network, fake)
		deadline := time.Now().Add(300 * time.Millisecond)
		ctx, cancel := context.WithDeadline(testCtx(t), deadline)
		defer cancel()
		_, err := s.hc.Builder().Run(ctx, nil, hook)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run = %v, want context.DeadlineExceeded", err)
		}
		if !pluginDeadline.Equal(deadline) || !hostDeadline.Equal(deadline) {
			t.Errorf("deadlines: plugin %v, host hook %v; want %v", pluginDeadline, hostDeadline, deadline)
		}
	})
}
