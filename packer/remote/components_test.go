package remote

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

var errBuild = errors.New("build failed")

func TestBuilderPrepare(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Builder{PrepareFunc: func(raws ...interface{}) ([]string, error) {
			if len(raws) == 2 && raws[1] == "bad" {
				return []string{"careful"}, fmt.Errorf("prepare: %w", errBuild)
			}
			return []string{"w1", "w2"}, nil
		}}
		s := connect(t, network, fake)
		b := s.hc.Builder()
		warnings, err := b.Prepare(map[string]interface{}{"a": "x"}, "ok")
		if err != nil || !reflect.DeepEqual(warnings, []string{"w1", "w2"}) {
			t.Fatalf("Prepare(ok) = %q, %v; want [w1 w2], nil", warnings, err)
		}
		warnings, err = b.Prepare(1, "bad")
		if err == nil || err.Error() != "prepare: build failed" || !reflect.DeepEqual(warnings, []string{"careful"}) {
			t.Errorf("Prepare(bad) = %q, %v; want [careful], prepare: build failed", warnings, err)
		}
		if _, err := b.Prepare(); err != nil {
			t.Errorf("Prepare() = %v", err)
		}
		want := [][]interface{}{{map[string]interface{}{"a": "x"}, "ok"}, {int64(1), "bad"}, nil}
		if got := fake.PrepareCalls(); !reflect.DeepEqual(got, want) {
			t.Errorf("plugin saw raws %#v, want %#v", got, want)
		}
	})
}

func TestBuilderRun(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		art := &packertest.Artifact{IdValue: "ami-1"}
		fake := &packertest.Builder{ArtifactValue: art, HookData: map[string]interface{}{"n": 1}}
		s := connect(t, network, fake)
		ui, hook := &packertest.Ui{}, &packertest.Hook{}
		got, err := s.hc.Builder().Run(testCtx(t), ui, hook)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if id := got.Id(); id != "ami-1" {
			t.Errorf("artifact Id() = %q, want ami-1", id)
		}
		if says := ui.Texts(packertest.KindSay); !reflect.DeepEqual(says, []string{"packertest: building"}) {
			t.Errorf("host ui saw %q", says)
		}
		calls := hook.Calls()
		if len(calls) != 1 || calls[0].Name != packer.HookProvision ||
			!reflect.DeepEqual(calls[0].Data, map[string]interface{}{"n": int64(1)}) || calls[0].Ui != ui || calls[0].Comm != nil {
			t.Errorf("host hook calls = %+v; want one %s call with the host's own ui, no comm, data n=1", calls, packer.HookProvision)
		}
	})
}

func TestBuilderRunNilResults(t *testing.T) {
	fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
		if ui != nil || hook != nil {
			return nil, fmt.Errorf("got ui %v hook %v, want nil", ui, hook)
		}
		return nil, errBuild
	}}
	s := connect(t, "pipe", fake)
	art, err := s.hc.Builder().Run(testCtx(t), nil, nil)
	if art != nil || err == nil || err.Error() != "build failed" {
		t.Errorf("Run(nil, nil) = %v, %v; want nil, build failed", art, err)
	}
}

func TestArtifactMethods(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Artifact{
			BuilderIdValue: "builder-x", FilesValue: []string{"a", "b"}, IdValue: "id-1",
			StringValue: "an artifact", StateValues: map[string]interface{}{"region": "eu", "n": 3},
			DestroyErr: fmt.Errorf("destroy: %w", errBuild),
		}
		s := connect(t, network, &packertest.Builder{ArtifactValue: fake})
		a, err := s.hc.Builder().Run(testCtx(t), nil, nil)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		for _, c := range []struct {
			method    string
			got, want interface{}
		}{
			{"BuilderId", a.BuilderId(), "builder-x"},
			{"Files", a.Files(), []string{"a", "b"}},
			{"Id", a.Id(), "id-1"},
			{"String", a.String(), "an artifact"},
			{`State("region")`, a.State("region"), "eu"},
			{`State("n")`, a.State("n"), int64(3)},
			{`State("missing")`, a.State("missing"), nil},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("artifact.%s = %#v, want %#v", c.method, c.got, c.want)
			}
		}
		if err := a.Destroy(); err == nil || err.Error() != "destroy: build failed" {
			t.Errorf("Destroy() = %v, want destroy: build failed", err)
		}
		if n := fake.DestroyCalls(); n != 1 {
			t.Errorf("plugin artifact destroyed %d times, want 1 (no caching, no repeats)", n)
		}
		// Every call crosses the wire: a change on the plugin side shows.
		fake.StringValue = "changed"
		if got := a.String(); got != "changed" {
			t.Errorf("String() after a change = %q, want changed", got)
		}
	})
}

func TestHookRun(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Hook{RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
			ui.Say("hook " + name)
			if comm == nil {
				return errors.New("no communicator")
			}
			return fmt.Errorf("hook done: %w", errBuild)
		}}
		s := connect(t, network, fake)
		ui := &packertest.Ui{}
		comm := newLocalComm(t)
		err := s.hc.Hook().Run(testCtx(t), "point", ui, comm, []string{"x"})
		if err == nil || err.Error() != "hook done: build failed" {
			t.Errorf("Run = %v, want hook done: build failed", err)
		}
		calls := fake.Calls()
		if len(calls) != 1 || calls[0].Name != "point" || !reflect.DeepEqual(calls[0].Data, []interface{}{"x"}) {
			t.Errorf("plugin hook calls = %+v, want one call at point with data [x]", calls)
		}
		if says := ui.Texts(packertest.KindSay); !reflect.DeepEqual(says, []string{"hook point"}) {
			t.Errorf("host ui saw %q", says)
		}
	})
}

func TestProvisioner(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.Provisioner{
			Command: "echo out; echo err >&2",
			PrepareFunc: func(raws ...interface{}) error {
				if len(raws) == 0 {
					return errors.New("no config")
				}
				return nil
			},
		}
		s := connect(t, network, fake)
		p := s.hc.Provisioner()
		if err := p.Prepare(); err == nil || err.Error() != "no config" {
			t.Errorf("Prepare() = %v, want no config", err)
		}
		if err := p.Prepare(true); err != nil {
			t.Errorf("Prepare(true) = %v", err)
		}
		ui := &packertest.Ui{}
		if err := p.Provision(testCtx(t), ui, newLocalComm(t)); err != nil {
			t.Fatalf("Provision: %v", err)
		}
		want := []packertest.Record{
			{Kind: packertest.KindSay, Text: "packertest: provisioning"},
			{Kind: packertest.KindMessage, Text: "out"},
			{Kind: packertest.KindError, Text: "err"},
		}
		if got := sortedRecords(ui.Records()); !reflect.DeepEqual(got, sortedRecords(want)) {
			t.Errorf("host ui records = %v, want %v", got, want)
		}
		if got := fake.PrepareCalls(); !reflect.DeepEqual(got, [][]interface{}{nil, {true}}) {
			t.Errorf("plugin Prepare calls = %#v", got)
		}
	})
}

func TestPostProcessor(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		fake := &packertest.PostProcessor{Keep: true}
		s := connect(t, network, fake)
		pp := s.hc.PostProcessor()
		if err := pp.Configure("c", 2); err != nil {
			t.Fatalf("Configure: %v", err)
		}
		if got := fake.ConfigureCalls(); !reflect.DeepEqual(got, [][]interface{}{{"c", int64(2)}}) {
			t.Errorf("plugin Configure calls = %#v", got)
		}
		in := &packertest.Artifact{IdValue: "in-1", StringValue: "input", FilesValue: []string{"f"}}
		ui := &packertest.Ui{}
		out, keep, err := pp.PostProcess(testCtx(t), ui, in)
		if err != nil || !keep {
			t.Fatalf("PostProcess = %v, %v, %v; want an artifact, true, nil", out, keep, err)
		}
		if out.Id() != "in-1" || out.String() != "post-processed input" || out.BuilderId() != packertest.PostProcessorBuilderID {
			t.Errorf("result = %q %q %q", out.Id(), out.String(), out.BuilderId())
		}
		seen := fake.PostProcessCalls()
		if len(seen) != 1 || seen[0].IdValue != "in-1" || !reflect.DeepEqual(seen[0].FilesValue, []string{"f"}) {
			t.Errorf("plugin saw input %+v", seen)
		}
		if says := ui.Texts(packertest.KindSay); !reflect.DeepEqual(says, []string{"packertest: post-processing in-1"}) {
			t.Errorf("host ui saw %q", says)
		}
	})
}

// TestPostProcessReturnsInput checks that the caller gets its own artifact
// back, not a proxy of a proxy, in both directions.
func TestPostProcessReturnsInput(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		s := connect(t, network, &packertest.PostProcessor{ReturnInput: true})
		pp := s.hc.PostProcessor()
		in := &packertest.Artifact{IdValue: "mine"}
		out, _, err := pp.PostProcess(testCtx(t), nil, in)
		if err != nil {
			t.Fatalf("PostProcess: %v", err)
		}
		if out != packer.Artifact(in) {
			t.Errorf("PostProcess returned %T %p, want the caller's own artifact %p", out, out, in)
		}
	})
}

// TestPluginArtifactHandedBack passes an artifact the plugin returned back
// to the same plugin: it must see its own object.
func TestPluginArtifactHandedBack(t *testing.T) {
	orig := &packertest.Artifact{IdValue: "plugin-art"}
	var seen packer.Artifact
	comp := &builderAndPP{
		Builder: &packertest.Builder{ArtifactValue: orig},
		PostProcessor: &packertest.PostProcessor{PostProcessFunc: func(ctx context.Context, ui packer.Ui, a packer.Artifact) (packer.Artifact, bool, error) {
			seen = a
			return a, false, nil
		}},
	}
	s := connect(t, "pipe", comp)
	a, err := s.hc.Builder().Run(testCtx(t), nil, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, _, err := s.hc.PostProcessor().PostProcess(testCtx(t), nil, a); err != nil {
		t.Fatalf("PostProcess: %v", err)
	}
	if seen != packer.Artifact(orig) {
		t.Errorf("plugin's post-processor got %T, want its own artifact back", seen)
	}
}

// builderAndPP is a component that is both a Builder and a PostProcessor;
// Register serves both.
type builderAndPP struct {
	*packertest.Builder
	*packertest.PostProcessor
}

func TestRegisterRejects(t *testing.T) {
	host, _ := pair(t, "pipe")
	c, err := NewConn(host, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, comp := range []interface{}{nil, "a string", &packertest.Ui{}} {
		if err := c.RegisterComponent(comp); err == nil {
			t.Errorf("RegisterComponent(%T) = nil, want an error", comp)
		}
	}
	if err := c.RegisterComponent(&packertest.Builder{}); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterComponent(&packertest.Builder{}); err == nil {
		t.Error("registering a second Builder on one Conn = nil, want an error")
	}
}
