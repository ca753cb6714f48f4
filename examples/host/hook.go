package main

import (
	"context"
	"fmt"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/termui"
)

// dispatchHook is the Hook the host gives each builder, Packer-style: at
// every hook point it runs the template's hooks in order, and at the
// provision hook the template's provisioners after them, each with its own
// Ui and with the builder's Communicator. It stops at the first error.
type dispatchHook struct {
	ui       *termui.Ui // the root Ui
	hooks    []named[packer.Hook]
	provs    []named[packer.Provisioner]
	fallback packer.Communicator // used when the builder gives none
	crashes  *crashes
}

// named is a component with its template name.
type named[T any] struct {
	name string
	v    T
}

// Run runs the hooks, then (at packer.HookProvision) the provisioners. The
// builder's ui is not used: each component prints under its own name.
func (h *dispatchHook) Run(ctx context.Context, name string, _ packer.Ui, comm packer.Communicator, data interface{}) error {
	if comm == nil {
		comm = h.fallback
	}
	for _, hk := range h.hooks {
		if err := hk.v.Run(ctx, name, h.ui.Named(hk.name), comm, data); err != nil {
			return h.crashes.note(fmt.Errorf("hook %q at %s: %w", hk.name, name, err))
		}
	}
	if name != packer.HookProvision {
		return nil
	}
	for _, p := range h.provs {
		ui := h.ui.Named(p.name)
		ui.Say("Provisioning")
		if err := p.v.Provision(ctx, ui, comm); err != nil {
			return h.crashes.note(fmt.Errorf("provisioner %q: %w", p.name, err))
		}
	}
	return nil
}
