package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// fixture is an Environment with one of each component, recording the
// order in which the build used them.
type fixture struct {
	env   *packertest.Environment
	ui    *packertest.Ui
	built *packertest.Artifact
	pp    *packertest.PostProcessor
	order []string
}

func newFixture(provisionErr error) *fixture {
	f := &fixture{ui: new(packertest.Ui), built: &packertest.Artifact{IdValue: "built", StringValue: "the build"}}
	f.pp = &packertest.PostProcessor{Keep: false}
	hook := &packertest.Hook{RunFunc: func(_ context.Context, name string, _ packer.Ui, _ packer.Communicator, _ interface{}) error {
		f.order = append(f.order, "hook "+name)
		return nil
	}}
	prov := &packertest.Provisioner{ProvisionFunc: func(context.Context, packer.Ui, packer.Communicator) error {
		f.order = append(f.order, "provision")
		return provisionErr
	}}
	f.env = &packertest.Environment{
		UiValue:        f.ui,
		Builders:       map[string]packer.Builder{"b": &packertest.Builder{ArtifactValue: f.built}},
		Hooks:          map[string]packer.Hook{"h": hook},
		Provisioners:   map[string]packer.Provisioner{"p": prov},
		PostProcessors: map[string]packer.PostProcessor{"pp": f.pp},
	}
	return f
}

func TestRunBuildsWithEnvironmentComponents(t *testing.T) {
	f := newFixture(nil)
	args := []string{"-hook", "h", "-provisioner", "p", "-post-processor", "pp", "b"}
	if code := (Command{}).Run(context.Background(), f.env, args); code != exitOK {
		t.Fatalf("Run(%q) = %d, want %d\nui:\n%s", args, code, exitOK, f.ui)
	}
	if want := []string{"hook " + packer.HookProvision, "provision"}; !reflect.DeepEqual(f.order, want) {
		t.Errorf("components ran in order %q, want %q", f.order, want)
	}
	if n := len(f.pp.PostProcessCalls()); n != 1 {
		t.Errorf("post-processor ran %d times, want 1", n)
	}
	if n := f.built.DestroyCalls(); n != 1 {
		t.Errorf("the built artifact was destroyed %d times, want 1 (keep=false)", n)
	}
	if says := strings.Join(f.ui.Texts(packertest.KindSay), "\n"); !strings.Contains(says, "Artifact: post-processed the build") {
		t.Errorf("Ui says:\n%s\nwant the final artifact", says)
	}
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		provisionErr error
		wantCode     int
		wantError    string
	}{
		{"no builder", []string{"-hook", "h"}, nil, exitUsage, "exactly one BUILDER"},
		{"bad flag", []string{"-nope", "b"}, nil, exitUsage, "-nope"},
		{"unknown builder", []string{"x"}, nil, exitFail, `builder "x"`},
		{"unknown hook", []string{"-hook", "x", "b"}, nil, exitFail, `hook "x"`},
		{"unknown post-processor", []string{"-post-processor", "x", "b"}, nil, exitFail, `post-processor "x"`},
		{"provisioner fails", []string{"-provisioner", "p", "b"}, errors.New("boom"), exitFail, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(tt.provisionErr)
			code := (Command{}).Run(context.Background(), f.env, tt.args)
			errs := strings.Join(f.ui.Texts(packertest.KindError), "\n")
			if code != tt.wantCode || !strings.Contains(errs, tt.wantError) {
				t.Errorf("Run(%q) = %d with errors:\n%s\nwant %d and an error containing %q", tt.args, code, errs, tt.wantCode, tt.wantError)
			}
		})
	}
}
