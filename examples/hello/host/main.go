// Command host runs the hello plugin, which it expects at ./hello, on this
// machine, and prints what the plugin says.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/termui"
	"github.com/muxplug/muxplug/plugin"
)

func main() {
	err := run()
	plugin.CleanupClients()
	if err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
}

func run() error {
	client := plugin.NewClient(&plugin.ClientConfig{Cmd: exec.Command("./hello"), Managed: true})
	p, err := client.Provisioner()
	if err != nil {
		return err
	}
	if err := p.Prepare(); err != nil {
		return err
	}
	ui := termui.New(nil).Named("hello")
	return p.Provision(context.Background(), ui, &local.Communicator{Dir: "."})
}
