package main

import (
	"context"
	"fmt"

	"github.com/muxplug/muxplug/packer"
)

// provisionHook is the hook the command gives its builder: at every hook
// point it runs the hooks, and at the provision hook the provisioners
// after them, all in order, stopping at the first error.
type provisionHook struct {
	hooks []packer.Hook
	provs []packer.Provisioner
}

func (h *provisionHook) Run(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
	for i, hook := range h.hooks {
		if err := hook.Run(ctx, name, ui, comm, data); err != nil {
			return fmt.Errorf("hook %d at %s: %w", i+1, name, err)
		}
	}
	if name != packer.HookProvision {
		return nil
	}
	for i, p := range h.provs {
		if err := p.Provision(ctx, ui, comm); err != nil {
			return fmt.Errorf("provisioner %d: %w", i+1, err)
		}
	}
	return nil
}
