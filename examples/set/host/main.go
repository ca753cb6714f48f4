// Command host runs the greetings plugin set (examples/set/plugin) whose
// binary it is given: it asks the binary what it offers (describe), then
// runs every builder and provisioner it offers, each a fresh instance, all
// from one plugin process, and prints what the session cost.
//
//	host ./greetings
//
// With MUXPLUG_REATTACH set to the line a plugin started in debug mode
// printed (see the README, "Debugging a plugin with a debugger"), it
// attaches to that process instead of starting one, and asks it what it
// offers.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/termui"
	"github.com/muxplug/muxplug/plugin"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: host PLUGIN-BINARY")
		os.Exit(2)
	}
	err := run(context.Background(), os.Args[1], os.Stdout)
	plugin.CleanupClients()
	if err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
}

// run runs the components of the plugin at path, printing to out.
func run(ctx context.Context, path string, out io.Writer) error {
	ui := termui.New(&termui.Config{Out: out, Err: out})
	client, d, err := open(ctx, path)
	if err != nil {
		return err
	}
	ui.Say(fmt.Sprintf("%s %s offers builders %s and provisioners %s",
		path, d.Version, strings.Join(d.Builders, ", "), strings.Join(d.Provisioners, ", ")))
	for _, name := range d.Builders {
		b, err := client.BuilderNamed(ctx, name)
		if err != nil {
			return err
		}
		if _, err := b.Run(ctx, ui.Named(name), nil); err != nil {
			return err
		}
	}
	for _, name := range d.Provisioners {
		p, err := client.ProvisionerNamed(ctx, name)
		if err != nil {
			return err
		}
		if err := p.Prepare(); err != nil {
			return err
		}
		if err := p.Provision(ctx, ui.Named(name), &local.Communicator{Dir: "."}); err != nil {
			return err
		}
	}
	return report(ctx, ui, client)
}

// open returns a client of the plugin, attached to a running one if
// MUXPLUG_REATTACH says so, and what the plugin offers.
func open(ctx context.Context, path string) (*plugin.Client, *plugin.Description, error) {
	r, err := plugin.ReattachFromEnv()
	if err != nil {
		return nil, nil, err
	}
	if r != nil {
		client := plugin.NewClient(&plugin.ClientConfig{Reattach: r, Managed: true})
		d, err := client.Description(ctx) // the binary is running already: ask it
		return client, d, err
	}
	d, err := plugin.Describe(ctx, exec.Command(path))
	if err != nil {
		return nil, nil, err
	}
	return plugin.NewClient(&plugin.ClientConfig{Cmd: exec.Command(path), Managed: true}), d, nil
}

// report prints the session's statistics and a ping's round trip.
func report(ctx context.Context, ui *termui.Ui, client *plugin.Client) error {
	rtt, err := client.Ping(ctx)
	if err != nil {
		return err
	}
	st := client.Stats()
	how := "started"
	if st.Reattached {
		how = "attached to"
	}
	ui.Say(fmt.Sprintf("All from one process: %s pid %d; %d streams open, %d bytes sent, %d received; ping %v",
		how, st.Pid, st.Streams, st.BytesWritten, st.BytesRead, rtt))
	return nil
}
