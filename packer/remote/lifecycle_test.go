package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/muxplug/muxplug/packer/objrpc"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestStreamCounts(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		var s *session
		fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
			if n := s.host.NumStreams(); n != 1 {
				return fmt.Errorf("before any use the host has %d streams, want 1: objects are dialled lazily", n)
			}
			for i := range 3 {
				ui.Say(fmt.Sprint("say ", i))
			}
			ui.Ask("q") // waits (the fake has no answer): the host has seen the stream
			if n := s.host.NumStreams(); n != 2 {
				return fmt.Errorf("after 3 Says and an Ask the host has %d streams, want 2: one per object", n)
			}
			return useEveryStream(ctx, comm)
		}}
		s = connect(t, network, fake)
		p := s.hc.Provisioner()
		if err := p.Prepare(); err != nil {
			t.Fatal(err)
		}
		waitStreams(t, s.host, 1)
		waitStreams(t, s.plugin, 1)
		for i := range 3 {
			if err := p.Provision(testCtx(t), &packertest.Ui{}, newLocalComm(t)); err != nil {
				t.Fatalf("Provision %d: %v", i, err)
			}
			waitStreams(t, s.host, 1)
			waitStreams(t, s.plugin, 1)
		}
	})
}

// useEveryStream makes the calls of a Communicator that open streams of
// their own.
func useEveryStream(ctx context.Context, comm packer.Communicator) error {
	if err := comm.Upload(ctx, "f", strings.NewReader("data"), nil); err != nil {
		return err
	}
	if err := comm.Download(ctx, "f", io.Discard); err != nil {
		return err
	}
	var out, errOut bytes.Buffer
	cmd := &packer.RemoteCmd{Command: "cat; echo e >&2", Stdin: strings.NewReader("in"), Stdout: &out, Stderr: &errOut}
	if err := comm.Start(ctx, cmd); err != nil {
		return err
	}
	if err := cmd.Wait(ctx); err != nil || out.String() != "in" || errOut.String() != "e\n" {
		return fmt.Errorf("command: %v, out %q, err %q", err, out.String(), errOut.String())
	}
	dir, err := os.MkdirTemp("", "remote-test-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := comm.UploadDir(ctx, "d", dir+"/", nil); err != nil {
		return err
	}
	return comm.DownloadDir(ctx, "d/", filepath.Join(dir, "back"), nil)
}

func TestConcurrentCalls(t *testing.T) {
	const n = 50
	forEachNetwork(t, func(t *testing.T, network string) {
		var s *session
		fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() { defer wg.Done(); ui.Say(fmt.Sprint(i)) }()
			}
			wg.Wait()
			return nil
		}}
		s = connect(t, network, fake)
		p := s.hc.Provisioner()
		uis := make([]*packertest.Ui, n)
		var wg sync.WaitGroup
		for i := range n {
			uis[i] = &packertest.Ui{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.Provision(testCtx(t), uis[i], nil); err != nil {
					t.Errorf("Provision %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		for i, ui := range uis {
			if got := len(ui.Texts(packertest.KindSay)); got != n {
				t.Errorf("ui %d got %d Says, want %d", i, got, n)
			}
		}
		waitStreams(t, s.host, 1)
		waitStreams(t, s.plugin, 1)
	})
}

// panickyUi is a Ui whose Ask and Say panic.
type panickyUi struct{ packertest.Ui }

func (u *panickyUi) Ask(string) (string, error) { panic("ask exploded") }
func (u *panickyUi) Say(string)                 { panic("say exploded") }

func TestPanicRecovery(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
			if ui == nil {
				panic("provision exploded")
			}
			if _, err := ui.Ask("q"); !errors.Is(err, objrpc.ErrPanic) || !strings.Contains(err.Error(), "ask exploded") {
				return fmt.Errorf("Ask on a panicking host ui = %v, want objrpc.ErrPanic with the value", err)
			}
			ui.Say("lost") // logged, not fatal
			ui.Message("still served")
			return nil
		}}
		s := connect(t, network, fake)
		p := s.hc.Provisioner()
		err := p.Provision(testCtx(t), nil, nil)
		var re *objrpc.Error
		if !errors.As(err, &re) || re.Code != "panic" || !errors.Is(err, objrpc.ErrPanic) || !strings.Contains(err.Error(), "provision exploded") {
			t.Errorf("Provision that panics = %v, want a *remote.Error with code panic and the value", err)
		}
		ui := &panickyUi{}
		if err := p.Provision(testCtx(t), ui, nil); err != nil {
			t.Errorf("the plugin no longer serves after a panic: %v", err)
		}
		if got := ui.Texts(packertest.KindMessage); len(got) != 1 {
			t.Errorf("host ui messages after a panic = %q, want [still served]", got)
		}
		mustContain(t, "log", s.log.String(), "provision exploded", "say exploded", "goroutine ", "Ui.Say")
	})
}

// TestExpiredProxy keeps a Ui past the call that carried it.
func TestExpiredProxy(t *testing.T) {
	var kept packer.Ui
	fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
		kept = ui
		ui.Say("during")
		return nil
	}}
	s := connect(t, "pipe", fake)
	hostUi := &packertest.Ui{}
	if err := s.hc.Provisioner().Provision(testCtx(t), hostUi, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Ask("after"); !errors.Is(err, objrpc.ErrExpired) {
		t.Errorf("Ask after the call = %v, want objrpc.ErrExpired", err)
	}
	kept.Say("after")
	if got := hostUi.Texts(packertest.KindSay); len(got) != 1 {
		t.Errorf("host ui says = %q, want only the one made during the call", got)
	}
	waitStreams(t, s.host, 1)
}

// transportMark is what the test's WrapTransportError adds.
type transportMark struct{ err error }

func (m *transportMark) Error() string { return "marked: " + m.err.Error() }
func (m *transportMark) Unwrap() error { return m.err }

// TestSessionLoss kills the plugin's side mid-call: the host's call returns
// promptly with a wrapped transport error, the plugin's context ends, and
// a command the plugin started on the host ends with SetError.
func TestSessionLoss(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		started := make(chan struct{})
		pluginErrs := make(chan error, 2)
		var plugin *mux.Broker
		fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
			cmd := &packer.RemoteCmd{Command: "sleep 30"}
			if err := comm.Start(ctx, cmd); err != nil {
				pluginErrs <- err
				return err
			}
			close(started)
			<-ctx.Done()
			pluginErrs <- ctx.Err()
			pluginErrs <- cmd.Wait(context.Background())
			return ctx.Err()
		}}
		s := connectWrapped(t, network, fake, func(err error) error { return &transportMark{err} })
		plugin = s.plugin
		p := s.hc.Provisioner()
		done := make(chan error, 1)
		go func() { done <- p.Provision(testCtx(t), nil, newLocalComm(t)) }()
		<-started
		plugin.Close()
		err := <-done
		var mark *transportMark
		if !errors.As(err, &mark) || !errors.Is(err, objrpc.ErrTransport) {
			t.Errorf("Provision when the plugin dies = %v, want a wrapped objrpc.ErrTransport", err)
		}
		if err := <-pluginErrs; !errors.Is(err, context.Canceled) {
			t.Errorf("the plugin's context ended with %v, want context.Canceled", err)
		}
		if err := <-pluginErrs; err == nil {
			t.Error("the command in flight ended without an error")
		}
	})
}

// nestedComm is the plugin's Communicator in TestNestedCallbacks: its
// Upload reports on the host's Ui (a call back through two levels).
type nestedComm struct {
	packer.Communicator
	ui packer.Ui
}

func (c *nestedComm) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	c.ui.Say("uploading " + dst)
	rc := c.ui.TrackProgress(dst, 0, fi.Size, io.NopCloser(r))
	defer rc.Close()
	return c.Communicator.Upload(ctx, dst, rc, fi)
}

// TestNestedCallbacks: the host calls Builder.Run in the plugin; the plugin
// calls the host's Hook with its own Communicator; the host's Hook runs a
// command and uploads a file through that Communicator, back in the plugin;
// whose Upload reports on the host's Ui, and shows progress.
func TestNestedCallbacks(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		pluginComm := newLocalComm(t)
		data := randomBytes(1 << 20)
		fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
			comm := &nestedComm{Communicator: pluginComm, ui: ui}
			if err := hook.Run(ctx, packer.HookProvision, ui, comm, "data"); err != nil {
				return nil, err
			}
			return &packertest.Artifact{IdValue: "nested"}, nil
		}}
		hook := &packertest.Hook{RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data2 interface{}) error {
			cmd := &packer.RemoteCmd{Command: "echo from the plugin machine"}
			if err := cmd.RunWithUi(ctx, comm, ui); err != nil {
				return err
			}
			return comm.Upload(ctx, "payload", bytes.NewReader(data), &packer.FileInfo{Size: int64(len(data))})
		}}
		s := connect(t, network, fake)
		ui := &packertest.Ui{}
		art, err := s.hc.Builder().Run(testCtx(t), ui, hook)
		if err != nil {
			t.Fatal(err)
		}
		if art.Id() != "nested" {
			t.Errorf("artifact id %q", art.Id())
		}
		if got := ui.Texts(packertest.KindMessage); len(got) != 1 || got[0] != "from the plugin machine" {
			t.Errorf("host ui messages = %q", got)
		}
		if got := ui.Texts(packertest.KindSay); len(got) != 1 || got[0] != "uploading payload" {
			t.Errorf("host ui says = %q", got)
		}
		if p := ui.Progress(); len(p) != 1 || p[0].Transferred != int64(len(data)) || !p[0].Closed {
			t.Errorf("host ui progress = %+v, want one closed report of %d bytes", p, len(data))
		}
		if got, err := os.ReadFile(filepath.Join(pluginComm.Dir, "payload")); err != nil || !bytes.Equal(got, data) {
			t.Errorf("plugin file: %d bytes, %v; want the 1 MiB uploaded", len(got), err)
		}
		waitStreams(t, s.host, 2) // main + the artifact's, which lives while the host keeps it
		waitStreams(t, s.plugin, 2)
		runtime.KeepAlive(art)
	})
}

// TestLateFirstUse uses a Ui for the first time after the broker's accept
// timeout has passed several times: a served object waits for its dial as
// long as it lives.
func TestLateFirstUse(t *testing.T) {
	fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
		time.Sleep(3 * testBrokerTimeout) // longer than the broker would keep a stream nobody accepts
		ui.Say("late")
		return nil
	}}
	s := connect(t, "pipe", fake)
	ui := &packertest.Ui{}
	if err := s.hc.Provisioner().Provision(testCtx(t), ui, nil); err != nil {
		t.Fatal(err)
	}
	if got := ui.Texts(packertest.KindSay); len(got) != 1 {
		t.Errorf("host ui says = %q, want [late]", got)
	}
}
