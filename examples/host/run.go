package main

import (
	"context"
	"fmt"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/termui"
)

// pipeline runs a template: every builder in turn, each followed by the
// post-processors, with the hooks and provisioners running inside the
// builder's hooks (see dispatchHook).
type pipeline struct {
	tpl     *Template
	comps   *components
	ui      *termui.Ui // the root Ui
	hook    *dispatchHook
	crashes *crashes
}

// stage is a prepared post-processor.
type stage = named[packer.PostProcessor]

// run launches and prepares every component first, so that a bad
// configuration fails before any work is done, then runs the builds.
func (p *pipeline) run(ctx context.Context) error {
	builders, pps, err := p.prepare()
	if err != nil {
		return err
	}
	for i, b := range builders {
		if err := p.build(ctx, &p.tpl.Builders[i], b, pps); err != nil {
			return err
		}
	}
	return nil
}

func (p *pipeline) prepare() ([]packer.Builder, []stage, error) {
	var builders []packer.Builder
	for i := range p.tpl.Builders {
		b, err := p.comps.builder(&p.tpl.Builders[i])
		if err != nil {
			return nil, nil, err
		}
		builders = append(builders, b)
	}
	for i := range p.tpl.Hooks {
		c := &p.tpl.Hooks[i]
		h, err := p.comps.hook(c)
		if err != nil {
			return nil, nil, err
		}
		p.hook.hooks = append(p.hook.hooks, named[packer.Hook]{c.Name, h})
	}
	for i := range p.tpl.Provisioners {
		c := &p.tpl.Provisioners[i]
		pr, err := p.comps.provisioner(c)
		if err != nil {
			return nil, nil, err
		}
		p.hook.provs = append(p.hook.provs, named[packer.Provisioner]{c.Name, pr})
	}
	var pps []stage
	for i := range p.tpl.PostProcessors {
		c := &p.tpl.PostProcessors[i]
		pp, err := p.comps.postProcessor(c)
		if err != nil {
			return nil, nil, err
		}
		pps = append(pps, stage{c.Name, pp})
	}
	return builders, pps, nil
}

// build runs one builder and passes its artifact through the
// post-processors, then lists the artifacts that remain.
func (p *pipeline) build(ctx context.Context, c *Component, b packer.Builder, pps []stage) error {
	host := p.ui.Named("host")
	host.Say(fmt.Sprintf("Build %q starting", c.Name))
	art, err := b.Run(ctx, p.ui.Named(c.Name), p.hook)
	if err != nil {
		return p.crashes.note(fmt.Errorf("build %q: %w", c.Name, err))
	}
	if art == nil {
		host.Say(fmt.Sprintf("Build %q produced no artifact", c.Name))
		return nil
	}
	kept := []packer.Artifact{art}
	for _, pp := range pps {
		next, keep, err := pp.v.PostProcess(ctx, p.ui.Named(pp.name), art)
		if err != nil {
			return p.crashes.note(fmt.Errorf("build %q: post-processor %q: %w", c.Name, pp.name, err))
		}
		if !keep {
			if err := art.Destroy(); err != nil {
				host.Error(fmt.Sprintf("destroy %s: %v", art.Id(), err))
			}
			kept = kept[:len(kept)-1]
		}
		if next == nil {
			break // nothing left to post-process
		}
		art = next
		kept = append(kept, art)
	}
	host.Say(fmt.Sprintf("Build %q finished. Artifacts:", c.Name))
	for _, a := range kept {
		host.Message(fmt.Sprintf("%s: %s", a.BuilderId(), a.String()))
		for _, f := range a.Files() {
			host.Message("  " + f)
		}
	}
	return nil
}
