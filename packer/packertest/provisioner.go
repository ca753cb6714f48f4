package packertest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Provisioner is a packer.Provisioner that records its calls. Prepare and
// Provision call PrepareFunc and ProvisionFunc when they are set, and do the
// documented default otherwise.
//
// The zero value is ready to use. A Provisioner is safe for concurrent use.
type Provisioner struct {
	// PrepareFunc, if not nil, is called by Prepare. Without it, Prepare
	// returns nil.
	PrepareFunc func(raws ...interface{}) error

	// ProvisionFunc, if not nil, is called by Provision. Without it,
	// Provision says a line on the Ui and, if Command is not empty, runs
	// Command through the communicator with packer.RemoteCmd.RunWithUi.
	ProvisionFunc func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error

	// Command is the command line the default Provision runs; empty means
	// none.
	Command string

	mu       sync.Mutex // guards the fields below
	prepares [][]interface{}
	runs     int
}

var _ packer.Provisioner = (*Provisioner)(nil)

// Prepare records raws and calls PrepareFunc, if set.
func (p *Provisioner) Prepare(raws ...interface{}) error {
	p.mu.Lock()
	p.prepares = append(p.prepares, cloneRaws(raws))
	p.mu.Unlock()
	if p.PrepareFunc != nil {
		return p.PrepareFunc(raws...)
	}
	return nil
}

// Provision records the call and calls ProvisionFunc, or does the default
// described at ProvisionFunc. The default returns an error if Command is
// set and comm is nil, if the command could not run, or if it exited with a
// non-zero status. It blocks as long as ProvisionFunc or the command do.
func (p *Provisioner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	p.mu.Lock()
	p.runs++
	p.mu.Unlock()
	if p.ProvisionFunc != nil {
		return p.ProvisionFunc(ctx, ui, comm)
	}
	if ui != nil {
		ui.Say("packertest: provisioning")
	}
	if p.Command == "" {
		return nil
	}
	return p.runCommand(ctx, ui, comm)
}

func (p *Provisioner) runCommand(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	if comm == nil {
		return errors.New("packertest: provisioner: no communicator to run the command")
	}
	if ui == nil {
		ui = &Ui{}
	}
	cmd := &packer.RemoteCmd{Command: p.Command}
	if err := cmd.RunWithUi(ctx, comm, ui); err != nil {
		return fmt.Errorf("packertest: provisioner: %w", err)
	}
	if status := cmd.ExitStatus(); status != 0 {
		return fmt.Errorf("packertest: provisioner: %q exited with status %d", p.Command, status)
	}
	return nil
}

// PrepareCalls returns the raws of every Prepare call so far, in order.
func (p *Provisioner) PrepareCalls() [][]interface{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return cloneRawsList(p.prepares)
}

// ProvisionCalls returns how many times Provision was called.
func (p *Provisioner) ProvisionCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.runs
}
