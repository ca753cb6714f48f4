// Command hello is a provisioner plugin: it runs one shell command on the
// machine the host gives it and shows the command's output.
package main

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

type hello struct{}

func (hello) Prepare(...interface{}) error { return nil }

func (hello) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	cmd := &packer.RemoteCmd{Command: "echo hello from $(hostname)"}
	return cmd.RunWithUi(ctx, comm, ui)
}

func main() { plugin.ServeProvisioner(hello{}) }
