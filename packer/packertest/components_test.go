package packertest_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestArtifact(t *testing.T) {
	destroyErr := errors.New("in use")
	a := &packertest.Artifact{
		BuilderIdValue: "b", FilesValue: []string{"f1"}, IdValue: "id", StringValue: "s",
		StateValues: map[string]interface{}{"k": 1}, DestroyErr: destroyErr,
	}
	if a.BuilderId() != "b" || a.Id() != "id" || a.String() != "s" || a.State("k") != 1 || a.State("none") != nil {
		t.Errorf("accessors = %q %q %q %v %v", a.BuilderId(), a.Id(), a.String(), a.State("k"), a.State("none"))
	}
	a.Files()[0] = "changed"
	if a.FilesValue[0] != "f1" {
		t.Errorf("changing Files() changed FilesValue to %q", a.FilesValue)
	}
	for range 2 {
		if err := a.Destroy(); err != destroyErr {
			t.Errorf("Destroy() = %v, want %v", err, destroyErr)
		}
	}
	if n := a.DestroyCalls(); n != 2 {
		t.Errorf("DestroyCalls() = %d, want 2", n)
	}
}

func TestBuilderDefaultRun(t *testing.T) {
	ui := &packertest.Ui{}
	hook := &packertest.Hook{}
	comm := struct{ packer.Communicator }{} // only compared
	art := &packertest.Artifact{IdValue: "image-1"}
	b := &packertest.Builder{Communicator: comm, HookData: "data", ArtifactValue: art}

	if warns, err := b.Prepare("a", 1); warns != nil || err != nil {
		t.Errorf("Prepare = %q, %v; want nil, nil", warns, err)
	}
	got, err := b.Run(context.Background(), ui, hook)
	if err != nil || got != art {
		t.Fatalf("Run = %v, %v; want the ArtifactValue, nil", got, err)
	}
	if says := ui.Texts(packertest.KindSay); len(says) != 1 {
		t.Errorf("Run said %q, want one line", says)
	}
	calls := hook.Calls()
	if len(calls) != 1 || calls[0].Name != packer.HookProvision || calls[0].Data != "data" ||
		calls[0].Comm != comm || calls[0].Ui != ui {
		t.Errorf("hook calls = %+v, want one %s call with the builder's communicator and data", calls, packer.HookProvision)
	}
	if got, want := b.PrepareCalls(), [][]interface{}{{"a", 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("PrepareCalls() = %v, want %v", got, want)
	}
	if n := b.RunCalls(); n != 1 {
		t.Errorf("RunCalls() = %d, want 1", n)
	}
}

func TestBuilderRunErrors(t *testing.T) {
	hookErr := errors.New("hook failed")
	failing := &packertest.Hook{RunFunc: func(context.Context, string, packer.Ui, packer.Communicator, interface{}) error {
		return hookErr
	}}
	if _, err := (&packertest.Builder{}).Run(context.Background(), nil, failing); !errors.Is(err, hookErr) {
		t.Errorf("Run with a failing hook = %v, want it to wrap %v", err, hookErr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if a, err := (&packertest.Builder{}).Run(ctx, nil, nil); !errors.Is(err, context.Canceled) || a != nil {
		t.Errorf("Run with a cancelled ctx = %v, %v; want nil, context.Canceled", a, err)
	}
	// A nil ArtifactValue is a nil interface, not a typed nil.
	if a, err := (&packertest.Builder{}).Run(context.Background(), nil, nil); a != nil || err != nil {
		t.Errorf("Run without ArtifactValue = %#v, %v; want nil, nil", a, err)
	}
}

func TestBuilderFuncs(t *testing.T) {
	prepErr := errors.New("bad config")
	b := &packertest.Builder{
		PrepareFunc: func(raws ...interface{}) ([]string, error) { return []string{"w"}, prepErr },
		RunFunc: func(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
			return &packertest.Artifact{IdValue: "from func"}, nil
		},
	}
	if w, err := b.Prepare(); !reflect.DeepEqual(w, []string{"w"}) || err != prepErr {
		t.Errorf("Prepare() = %q, %v; want [w], %v", w, err, prepErr)
	}
	if a, err := b.Run(context.Background(), nil, nil); err != nil || a.Id() != "from func" {
		t.Errorf("Run() = %v, %v; want the RunFunc's artifact", a, err)
	}
	if got := b.PrepareCalls(); len(got) != 1 || got[0] != nil {
		t.Errorf("PrepareCalls() = %#v, want one call with no raws", got)
	}
}

func TestProvisionerDefault(t *testing.T) {
	ui := &packertest.Ui{}
	p := &packertest.Provisioner{}
	if err := p.Prepare(map[string]interface{}{"k": "v"}); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if err := p.Provision(context.Background(), ui, nil); err != nil {
		t.Fatalf("Provision without Command: %v", err)
	}
	if len(ui.Texts(packertest.KindSay)) != 1 || p.ProvisionCalls() != 1 || len(p.PrepareCalls()) != 1 {
		t.Errorf("after one Prepare and Provision: says %q, ProvisionCalls %d, PrepareCalls %v",
			ui.Texts(packertest.KindSay), p.ProvisionCalls(), p.PrepareCalls())
	}
	withCommand := &packertest.Provisioner{Command: "true"}
	if err := withCommand.Provision(context.Background(), ui, nil); err == nil {
		t.Error("Provision with a Command and a nil communicator succeeded, want an error")
	}
}

func TestPostProcessor(t *testing.T) {
	in := &packertest.Artifact{BuilderIdValue: "builder", IdValue: "id-1", FilesValue: []string{"a.img"}, StringValue: "image"}
	tests := []struct {
		name     string
		pp       *packertest.PostProcessor
		wantSame bool
		wantKeep bool
		wantBID  string
	}{
		{name: "derived", pp: &packertest.PostProcessor{}, wantBID: packertest.PostProcessorBuilderID},
		{name: "derived with BuilderID and keep", pp: &packertest.PostProcessor{BuilderID: "pp", Keep: true}, wantKeep: true, wantBID: "pp"},
		{name: "input", pp: &packertest.PostProcessor{ReturnInput: true, Keep: true}, wantSame: true, wantKeep: true, wantBID: "builder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, keep, err := tt.pp.PostProcess(context.Background(), &packertest.Ui{}, in)
			if err != nil || keep != tt.wantKeep || (out == packer.Artifact(in)) != tt.wantSame {
				t.Fatalf("PostProcess(%+v) = %v, %v, %v; want keep %v, same %v", tt.pp, out, keep, err, tt.wantKeep, tt.wantSame)
			}
			if out.BuilderId() != tt.wantBID || out.Id() != "id-1" || !reflect.DeepEqual(out.Files(), []string{"a.img"}) ||
				!strings.HasSuffix(out.String(), "image") {
				t.Errorf("result = %q %q %q %q, want BuilderId %q and the input's id, files, string",
					out.BuilderId(), out.Id(), out.Files(), out.String(), tt.wantBID)
			}
			calls := tt.pp.PostProcessCalls()
			if len(calls) != 1 || calls[0].Id() != "id-1" || calls[0].BuilderId() != "builder" {
				t.Errorf("PostProcessCalls() = %+v, want a snapshot of the input", calls)
			}
		})
	}
	pp := &packertest.PostProcessor{}
	if _, _, err := pp.PostProcess(context.Background(), nil, nil); err == nil {
		t.Error("PostProcess(nil artifact) succeeded, want an error")
	}
	if calls := pp.PostProcessCalls(); len(calls) != 1 || calls[0] != nil {
		t.Errorf("PostProcessCalls() after a nil input = %v, want [nil]", calls)
	}
	if err := pp.Configure("x"); err != nil || !reflect.DeepEqual(pp.ConfigureCalls(), [][]interface{}{{"x"}}) {
		t.Errorf("Configure(x) = %v; ConfigureCalls() = %v", err, pp.ConfigureCalls())
	}
}

func TestCommand(t *testing.T) {
	ui := &packertest.Ui{}
	env := &packertest.Environment{UiValue: ui}
	c := &packertest.Command{HelpText: "help", SynopsisText: "syn"}
	if c.Help() != "help" || c.Synopsis() != "syn" {
		t.Errorf("Help, Synopsis = %q, %q", c.Help(), c.Synopsis())
	}
	args := []string{"-x", "y"}
	if code := c.Run(context.Background(), env, args); code != 0 {
		t.Errorf("Run = %d, want 0", code)
	}
	args[0] = "changed"
	if got, want := c.RunCalls(), [][]string{{"-x", "y"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("RunCalls() = %q, want %q", got, want)
	}
	if got, want := ui.Texts(packertest.KindSay), []string{"packertest: command -x y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default Run said %q, want %q", got, want)
	}
	c.RunFunc = func(context.Context, packer.Environment, []string) int { return 3 }
	if code := c.Run(context.Background(), nil, nil); code != 3 {
		t.Errorf("Run with RunFunc = %d, want 3", code)
	}
}

func TestEnvironment(t *testing.T) {
	b := &packertest.Builder{}
	env := &packertest.Environment{
		Builders: map[string]packer.Builder{"ok": b, "nil": nil},
	}
	if got, err := env.Builder("ok"); err != nil || got != b {
		t.Errorf("Builder(ok) = %v, %v; want the builder", got, err)
	}
	lookups := []struct {
		name string
		call func() error
	}{
		{"Builder(nil)", func() error { _, err := env.Builder("nil"); return err }},
		{"Builder(missing)", func() error { _, err := env.Builder("missing"); return err }},
		{"Hook(missing)", func() error { _, err := env.Hook("missing"); return err }},
		{"Provisioner(missing)", func() error { _, err := env.Provisioner("missing"); return err }},
		{"PostProcessor(missing)", func() error { _, err := env.PostProcessor("missing"); return err }},
	}
	for _, l := range lookups {
		if err := l.call(); !errors.Is(err, packertest.ErrNotFound) || !strings.Contains(err.Error(), `"`) {
			t.Errorf("%s = %v, want an error naming the component and wrapping ErrNotFound", l.name, err)
		}
	}
	if env.Ui() != nil || env.Cache() != nil {
		t.Error("Ui() or Cache() of an empty Environment is not nil")
	}
	want := []packertest.Call{
		{"Builder", "ok"}, {"Builder", "nil"}, {"Builder", "missing"}, {"Hook", "missing"},
		{"Provisioner", "missing"}, {"PostProcessor", "missing"}, {"Ui", ""}, {"Cache", ""},
	}
	if got := env.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("Calls() = %v, want %v", got, want)
	}
}
