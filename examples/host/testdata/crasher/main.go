// Command crasher is a provisioner plugin for the host's tests: it dies
// in the middle of Provision with an unrecovered panic, as a buggy plugin
// would.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

type provisioner struct{}

func (provisioner) Prepare(...interface{}) error { return nil }

func (provisioner) Provision(ctx context.Context, ui packer.Ui, _ packer.Communicator) error {
	ui.Say("about to crash")
	fmt.Fprintln(os.Stderr, "crasher: something went badly wrong")
	go func() { panic("crasher: deliberate panic") }() // kills the process
	<-ctx.Done()
	return ctx.Err()
}

func main() { plugin.ServeProvisioner(provisioner{}) }
