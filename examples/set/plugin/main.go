// Command greetings is a plugin set: one binary that serves several named
// components, two builders ("hello" and "goodbye") and a provisioner
// ("run"), and hands out a fresh instance of one for every request a host
// makes, each on a stream of its own over the process's one connection.
//
// Run it with the argument describe to see what it offers:
//
//	greetings describe
//
// It is otherwise meant to be started by a host (see examples/set/host),
// or by hand in debug mode (MUXPLUG_DEBUG=1) for a host to attach to.
package main

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

// instances counts the components this process has made.
var instances atomic.Int64

// greeter is a builder that says its greeting on the host's Ui. Each
// instance counts its own runs: instances share nothing.
type greeter struct {
	greeting string
	instance int64
	runs     int
}

func newGreeter(greeting string) packer.Builder {
	return &greeter{greeting: greeting, instance: instances.Add(1)}
}

func (g *greeter) Prepare(...interface{}) ([]string, error) { return nil, nil }

func (g *greeter) Run(_ context.Context, ui packer.Ui, _ packer.Hook) (packer.Artifact, error) {
	g.runs++
	ui.Say(fmt.Sprintf("%s (instance %d of this process, its run %d)", g.greeting, g.instance, g.runs))
	return nil, nil
}

// runner is a provisioner that runs one shell command on the machine.
type runner struct{ command string }

func (r *runner) Prepare(raws ...interface{}) error {
	r.command = "echo provisioned on $(uname -s)"
	for _, raw := range raws {
		if m, ok := raw.(map[string]interface{}); ok {
			if c, ok := m["command"].(string); ok {
				r.command = c
			}
		}
	}
	return nil
}

func (r *runner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	instances.Add(1)
	return (&packer.RemoteCmd{Command: r.command}).RunWithUi(ctx, comm, ui)
}

func main() {
	set := plugin.NewSet()
	set.SetVersion("0.1.0")
	set.RegisterBuilder("hello", func() packer.Builder { return newGreeter("hello") })
	set.RegisterBuilder("goodbye", func() packer.Builder { return newGreeter("goodbye") })
	set.RegisterProvisioner("run", func() packer.Provisioner { return new(runner) })
	set.Run()
}
