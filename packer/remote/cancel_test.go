package remote

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// fakeClock is a settable clock for callTable.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestCallTable(t *testing.T) {
	host, _ := pair(t, "pipe")
	st := site{b: host, opts: newOptions(nil)}
	check := func(t *testing.T, tab *callTable, live, tombs int) {
		t.Helper()
		if l, tb := tab.size(); l != live || tb != tombs {
			t.Errorf("size() = %d live, %d tombstones; want %d, %d", l, tb, live, tombs)
		}
	}
	t.Run("during", func(t *testing.T) {
		var tab callTable
		ctx, end := tab.begin(wire.Call{ID: 1}, st)
		check(t, &tab, 1, 0)
		tab.cancel(1)
		<-ctx.Done()
		if ctx.Err() != context.Canceled {
			t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
		end()
		check(t, &tab, 0, 0)
	})
	t.Run("before", func(t *testing.T) {
		var tab callTable
		tab.cancel(2)
		check(t, &tab, 0, 1)
		ctx, end := tab.begin(wire.Call{ID: 2}, st)
		defer end()
		if ctx.Err() != context.Canceled {
			t.Errorf("call begun after its Cancel: ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
		check(t, &tab, 1, 0)
	})
	t.Run("after", func(t *testing.T) {
		clock := &fakeClock{now: time.Unix(1000, 0)}
		tab := callTable{now: clock.Now}
		_, end := tab.begin(wire.Call{ID: 3}, st)
		end()
		tab.cancel(3) // late: the call is over
		check(t, &tab, 0, 1)
		clock.Advance(tombstoneTTL)
		_, end = tab.begin(wire.Call{ID: 4}, st)
		end()
		check(t, &tab, 0, 0)
	})
	t.Run("already cancelled", func(t *testing.T) {
		var tab callTable
		ctx, end := tab.begin(wire.Call{ID: 5, Canceled: true}, st)
		defer end()
		if ctx.Err() != context.Canceled {
			t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
	})
	t.Run("deadline", func(t *testing.T) {
		var tab callTable
		d := time.Now().Add(time.Hour)
		ctx, end := tab.begin(wire.Call{ID: 6, Deadline: d.UnixNano()}, st)
		defer end()
		if got, ok := ctx.Deadline(); !ok || !got.Equal(d) {
			t.Errorf("ctx.Deadline() = %v, %v; want %v", got, ok, d)
		}
	})
	t.Run("lifetime", func(t *testing.T) {
		var tab callTable
		life := make(chan struct{})
		ctx, end := tab.begin(wire.Call{ID: 7}, site{b: host, life: life})
		defer end()
		close(life)
		<-ctx.Done()
	})
	t.Run("bounded", func(t *testing.T) {
		var tab callTable
		for id := range uint64(3 * maxTombstones) {
			tab.cancel(100 + id)
		}
		check(t, &tab, 0, maxTombstones)
		if n := len(tab.order); n > 2*maxTombstones {
			t.Errorf("tombstone order holds %d ids, want at most %d", n, 2*maxTombstones)
		}
	})
}

func TestCallTableSessionEnd(t *testing.T) {
	host, _ := pair(t, "pipe")
	var tab callTable
	ctx, end := tab.begin(wire.Call{ID: 1}, site{b: host})
	defer end()
	host.Close()
	<-ctx.Done()
}

// connectBuilder serves bs as the plugin's Builder and returns the host's
// proxy, so that tests can look at the server's call table.
func connectBuilder(t *testing.T, network string, fake packer.Builder) (packer.Builder, *builderServer, *session) {
	t.Helper()
	var bs *builderServer
	s := connectWith(t, network, func(srv Registrar, b *mux.Broker, opts *Options) error {
		bs = builderKind.rcvr(site{b: b, opts: newOptions(opts)}, fake).(*builderServer)
		return srv.RegisterName(BuilderService, bs)
	})
	return NewBuilder(s.client, s.host, s.opts), bs, s
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
		b, bs, _ := connectBuilder(t, network, fake)
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
		if live, tombs := bs.calls.size(); live != 0 || tombs != 0 {
			t.Errorf("plugin call table after: %d live, %d tombstones; want none", live, tombs)
		}
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
	b, bs, _ := connectBuilder(t, "tcp", fake)
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
	if live, _ := bs.calls.size(); live != 0 {
		t.Errorf("%d calls still registered", live)
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
		var host *mux.Broker
		fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, h packer.Hook) (packer.Artifact, error) {
			return nil, cancelHookCalls(ctx, h, hookStarted, host)
		}}
		s := connect(t, network, fake)
		host = s.host
		if _, err := NewBuilder(s.client, s.host, s.opts).Run(testCtx(t), nil, hook); err != nil {
			t.Error(err)
		}
	})
}

// cancelHookCalls is the plugin side of TestCancelPluginToHost.
func cancelHookCalls(ctx context.Context, h packer.Hook, started chan struct{}, host *mux.Broker) error {
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
	for _, hs := range servedReceivers[*hookServer](host) {
		if live, tombs := hs.calls.size(); live != 0 || tombs != 0 {
			return errors.New("after: the host's hook still holds calls")
		}
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
		if err := NewProvisioner(s.client, s.host, s.opts).Provision(testCtx(t), nil, newLocalComm(t)); err != nil {
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
		_, err := NewBuilder(s.client, s.host, s.opts).Run(ctx, nil, hook)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Run = %v, want context.DeadlineExceeded", err)
		}
		if !pluginDeadline.Equal(deadline) || !hostDeadline.Equal(deadline) {
			t.Errorf("deadlines: plugin %v, host hook %v; want %v", pluginDeadline, hostDeadline, deadline)
		}
	})
}
