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

func TestCommandHelpSynopsis(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		s := connect(t, network, &packertest.Command{HelpText: "long help", SynopsisText: "short"})
		c := s.hc.Command()
		if got := c.Help(); got != "long help" {
			t.Errorf("Help() = %q", got)
		}
		if got := c.Synopsis(); got != "short" {
			t.Errorf("Synopsis() = %q", got)
		}
	})
}

// TestCommandEnvironment runs a plugin Command that uses every method of
// the host's Environment, builds with a Builder the Environment hands out
// (which itself calls back into the host's Hook), and returns an exit code.
func TestCommandEnvironment(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		hostUi := &packertest.Ui{}
		hostCache := packertest.NewCache(t)
		hostHook := &packertest.Hook{}
		hostBuilder := &packertest.Builder{ArtifactValue: &packertest.Artifact{IdValue: "built"}}
		env := &packertest.Environment{
			UiValue: hostUi, CacheValue: hostCache,
			Builders:       map[string]packer.Builder{"b": hostBuilder},
			Hooks:          map[string]packer.Hook{"h": hostHook},
			Provisioners:   map[string]packer.Provisioner{"p": &packertest.Provisioner{}},
			PostProcessors: map[string]packer.PostProcessor{"pp": &packertest.PostProcessor{ReturnInput: true}},
		}
		cmd := &packertest.Command{RunFunc: func(ctx context.Context, env packer.Environment, args []string) int {
			if err := useEnvironment(ctx, env, args); err != nil {
				env.Ui().Error(err.Error())
				return 1
			}
			return 7
		}}
		s := connect(t, network, cmd)
		code := s.hc.Command().Run(testCtx(t), env, []string{"-x", "y"})
		if code != 7 {
			t.Fatalf("Run = %d, want 7; host ui: %v", code, hostUi.Records())
		}
		if got := cmd.RunCalls(); !reflect.DeepEqual(got, [][]string{{"-x", "y"}}) {
			t.Errorf("plugin saw args %q", got)
		}
		wantSays := []string{"from the plugin", "packertest: building", "packertest: provisioning", "packertest: post-processing built"}
		if got := hostUi.Texts(packertest.KindSay); !reflect.DeepEqual(got, wantSays) {
			t.Errorf("host ui says = %q, want %q", got, wantSays)
		}
		if calls := hostHook.Calls(); len(calls) != 1 || calls[0].Ui != packer.Ui(hostUi) {
			t.Errorf("host hook calls = %+v, want one with the host's own ui", calls)
		}
		if got := hostCache.Calls(); len(got) != 4 {
			t.Errorf("host cache calls = %v, want Lock, Unlock, RLock, RUnlock", got)
		}
		if err := hostCache.Err(); err != nil {
			t.Errorf("host cache misuse: %v", err)
		}
	})
}

// useEnvironment is the body of the plugin command of
// TestCommandEnvironment.
func useEnvironment(ctx context.Context, env packer.Environment, args []string) error {
	ui := env.Ui()
	ui.Say("from the plugin")
	cache := env.Cache()
	path := cache.Lock("k")
	cache.Unlock("k")
	if rpath, _ := cache.RLock("k"); rpath != path || path == "" {
		return fmt.Errorf("cache paths %q and %q", path, rpath)
	}
	cache.RUnlock("k")
	b, err := env.Builder("b")
	if err != nil {
		return err
	}
	hook, err := env.Hook("h")
	if err != nil {
		return err
	}
	art, err := b.Run(ctx, ui, hook)
	if err != nil {
		return err
	}
	if art.Id() != "built" {
		return fmt.Errorf("artifact id %q", art.Id())
	}
	p, err := env.Provisioner("p")
	if err != nil {
		return err
	}
	if err := p.Provision(ctx, ui, nil); err != nil {
		return err
	}
	pp, err := env.PostProcessor("pp")
	if err != nil {
		return err
	}
	if out, _, err := pp.PostProcess(ctx, ui, art); err != nil || out != art {
		return fmt.Errorf("post-process returned %v, %v; want the plugin's artifact proxy back", out, err)
	}
	if _, err := env.Builder("missing"); !errors.Is(err, packertest.ErrNotFound) {
		return fmt.Errorf("Builder(missing) = %v, want packertest.ErrNotFound", err)
	}
	return nil
}

func TestCommandRunFailure(t *testing.T) {
	cmd := &packertest.Command{RunFunc: func(ctx context.Context, env packer.Environment, args []string) int {
		panic("command exploded")
	}}
	s := connect(t, "pipe", cmd)
	if code := s.hc.Command().Run(testCtx(t), nil, nil); code != ExitStatusFailed {
		t.Errorf("Run of a panicking command = %d, want ExitStatusFailed", code)
	}
	mustContain(t, "host log", s.log.String(), "command exploded")
}
