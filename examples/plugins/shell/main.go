// Command shell is a provisioner plugin: it runs shell commands on the
// machine being built, streaming their output back as it comes.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. Configuration:
//
//	{
//	  "inline": ["echo hello", "uname -a"],   // required: run in order, each by the machine's shell
//	  "env": {"GREETING": "hi"}                // exported to every command
//	}
//
// A command that exits with a non-zero status fails the provisioner; the
// commands after it do not run.
package main

import "github.com/muxplug/muxplug/plugin"

func main() {
	plugin.ServeProvisioner(new(Provisioner))
}
