package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/muxplug/muxplug/packer"
)

// Exit codes of Command.Run.
const (
	exitOK    = 0
	exitFail  = 1 // the build failed
	exitUsage = 2 // bad arguments
)

// Command runs one build through the Environment's components. Its zero
// value is ready to use and holds no state, so Run is safe for concurrent
// use.
type Command struct{}

var _ packer.Command = Command{}

// Help returns the usage text.
func (Command) Help() string {
	return strings.TrimSpace(`
Usage: build [-hook NAME]... [-provisioner NAME]... [-post-processor NAME]... BUILDER

  Runs the builder the host knows as BUILDER. At each hook point the
  builder reaches, the named hooks run in order; at the provision hook the
  named provisioners run after them, in order. The artifact then goes
  through the named post-processors, in order. Every component comes from
  the host, configured as the host's template says.`)
}

// Synopsis returns a one-line description.
func (Command) Synopsis() string { return "Runs a build with the host's components" }

// Run parses args, obtains the components from env, runs the build and
// returns exitOK, exitFail or exitUsage. It prints through env.Ui.
func (c Command) Run(ctx context.Context, env packer.Environment, args []string) int {
	ui := env.Ui()
	p, err := parseArgs(args)
	if err != nil {
		ui.Error(err.Error())
		ui.Error(c.Help())
		return exitUsage
	}
	if err := p.run(ctx, env, ui); err != nil {
		ui.Error(err.Error())
		return exitFail
	}
	return exitOK
}

// plan is a parsed command line.
type plan struct {
	builder                      string
	hooks, provs, postProcessors names
}

func parseArgs(args []string) (*plan, error) {
	var p plan
	var out bytes.Buffer
	flags := flag.NewFlagSet("build", flag.ContinueOnError)
	flags.SetOutput(&out)
	flags.Var(&p.hooks, "hook", "run the hook `NAME` at each hook point (repeatable)")
	flags.Var(&p.provs, "provisioner", "run the provisioner `NAME` at the provision hook (repeatable)")
	flags.Var(&p.postProcessors, "post-processor", "post-process the artifact with `NAME` (repeatable)")
	if err := flags.Parse(args); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if flags.NArg() != 1 {
		return nil, errors.New("build: want exactly one BUILDER argument")
	}
	p.builder = flags.Arg(0)
	return &p, nil
}

// run obtains the components and runs the build.
func (p *plan) run(ctx context.Context, env packer.Environment, ui packer.Ui) error {
	b, err := env.Builder(p.builder)
	if err != nil {
		return fmt.Errorf("build: builder %q: %w", p.builder, err)
	}
	hook := new(provisionHook)
	for _, name := range p.hooks {
		h, err := env.Hook(name)
		if err != nil {
			return fmt.Errorf("build: hook %q: %w", name, err)
		}
		hook.hooks = append(hook.hooks, h)
	}
	for _, name := range p.provs {
		pr, err := env.Provisioner(name)
		if err != nil {
			return fmt.Errorf("build: provisioner %q: %w", name, err)
		}
		hook.provs = append(hook.provs, pr)
	}
	ui.Say(fmt.Sprintf("Building with %q", p.builder))
	art, err := b.Run(ctx, ui, hook)
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if art == nil {
		ui.Say("The build produced no artifact")
		return nil
	}
	return p.postProcess(ctx, env, ui, art)
}

func (p *plan) postProcess(ctx context.Context, env packer.Environment, ui packer.Ui, art packer.Artifact) error {
	for _, name := range p.postProcessors {
		pp, err := env.PostProcessor(name)
		if err != nil {
			return fmt.Errorf("build: post-processor %q: %w", name, err)
		}
		next, keep, err := pp.PostProcess(ctx, ui, art)
		if err != nil {
			return fmt.Errorf("build: post-processor %q: %w", name, err)
		}
		if !keep {
			if err := art.Destroy(); err != nil {
				ui.Error(fmt.Sprintf("build: destroy %s: %v", art.Id(), err))
			}
		}
		art = next
	}
	ui.Say("Artifact: " + art.String())
	return nil
}

// names is a repeatable string flag.
type names []string

func (n *names) String() string { return strings.Join(*n, ",") }

func (n *names) Set(v string) error {
	*n = append(*n, v)
	return nil
}
