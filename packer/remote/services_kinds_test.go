package objrpc

import (
	"errors"
	"github.com/muxplug/muxplug/packer/objrpc"
	"reflect"
	"sort"
	"testing"

	"github.com/muxplug/muxplug/packer/packertest"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// TestMethodSets checks the RPC methods every kind serves, as the package
// doc lists them.
func TestMethodSets(t *testing.T) {
	host, _ := pair(t, "pipe")
	st := site{b: host, opts: newOptions(nil)}
	for _, c := range []struct {
		k    *kind
		obj  interface{}
		want []string
	}{
		{uiKind, &packertest.Ui{}, []string{"Ask", "Error", "Machine", "Message", "Say", "TrackEnd", "TrackStart", "TrackUpdate"}},
		{artifactKind, &packertest.Artifact{}, []string{"BuilderId", "Destroy", "Files", "Id", "State", "String"}},
		{builderKind, &packertest.Builder{}, []string{"Cancel", "Prepare", "Run"}},
		{hookKind, &packertest.Hook{}, []string{"Cancel", "Run"}},
		{provisionerKind, &packertest.Provisioner{}, []string{"Cancel", "Prepare", "Provision"}},
		{postProcessorKind, &packertest.PostProcessor{}, []string{"Cancel", "Configure", "PostProcess"}},
		{commandKind, &packertest.Command{}, []string{"Cancel", "Help", "Run", "Synopsis"}},
		{environmentKind, &packertest.Environment{}, []string{"Builder", "Cache", "Hook", "PostProcessor", "Provisioner", "Ui"}},
		{cacheKind, &packertest.Cache{}, []string{"Lock", "RLock", "RUnlock", "Unlock"}},
		{communicatorKind, newLocalComm(t), []string{"Cancel", "Download", "DownloadDir", "Start", "Upload", "UploadDir", "Wait"}},
	} {
		var got []string
		for name := range methodsOf(reflect.TypeOf(c.k.rcvr(st, c.obj)), false) {
			got = append(got, name)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s serves %v, want %v", c.k.svc, got, c.want)
		}
	}
}

// TestUnknownMethod calls methods an object does not serve: each fails
// with objrpc.ErrProtocol, and the object keeps serving.
func TestUnknownMethod(t *testing.T) {
	host, plugin := pair(t, "tcp")
	opts := newOptions(nil)
	served, dialled := newScope(host, opts), newScope(plugin, opts)
	defer served.close()
	defer dialled.close()
	ui := &packertest.Ui{}
	o, err := served.export(uiKind, ui)
	if err != nil {
		t.Fatal(err)
	}
	p := newScopedPeer(dialled, uiKind.svc, o.ID)
	if err := p.call("Nope", &wire.StringArgs{}, new(wire.ErrReply)); !errors.Is(err, objrpc.ErrProtocol) {
		t.Errorf("Ui.Nope = %v, want objrpc.ErrProtocol", err)
	}
	other := newScopedPeer(dialled, "Builder", o.ID)
	if err := other.call("Say", &wire.StringArgs{}, new(wire.ErrReply)); !errors.Is(err, objrpc.ErrProtocol) {
		t.Errorf("Builder.Say on a Ui = %v, want objrpc.ErrProtocol", err)
	}
	if err := p.call("Say", "a bare string", new(wire.ErrReply)); !errors.Is(err, objrpc.ErrProtocol) {
		t.Errorf("Ui.Say with an argument that does not decode = %v, want objrpc.ErrProtocol", err)
	}
	if err := p.call("Say", &wire.StringArgs{S: "still here"}, new(wire.ErrReply)); err != nil {
		t.Fatalf("Say after bad requests: %v", err)
	}
	if got := ui.Texts(packertest.KindSay); len(got) == 0 || got[len(got)-1] != "still here" {
		t.Errorf("ui says %q", got)
	}
}

// TestInlineMethods checks which served methods run on the goroutine that
// reads their stream: Cancel, nothing that may wait (Ui.Ask, a
// component's methods) and not the Ui's output methods either.
func TestInlineMethods(t *testing.T) {
	host, _ := pair(t, "pipe")
	st := site{b: host, opts: newOptions(nil)}
	for _, c := range []struct {
		k    *kind
		obj  interface{}
		want []string
	}{
		{uiKind, &packertest.Ui{}, nil},
		{builderKind, &packertest.Builder{}, []string{"Cancel"}},
		{communicatorKind, newLocalComm(t), []string{"Cancel"}},
		{artifactKind, &packertest.Artifact{}, nil},
	} {
		var got []string
		for name, m := range c.k.methods(c.k.rcvr(st, c.obj)) {
			if m.inline {
				got = append(got, name)
			}
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s runs %v inline, want %v", c.k.svc, got, c.want)
		}
	}
	srv := NewServer()
	if err := Register(srv, host, &packertest.Builder{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterName("User", EchoService{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		svc, method string
		want        bool
	}{{"Builder", "Cancel", true}, {"Builder", "Prepare", false}, {"Builder", "Run", false}, {"User", "Echo", false}} {
		if got := srv.find(c.svc).methods[c.method].inline; got != c.want {
			t.Errorf("Server: %s.%s inline = %v, want %v", c.svc, c.method, got, c.want)
		}
	}
}
