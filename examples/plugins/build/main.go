// Command build is a command plugin: it runs a build with components its
// host lends it through the packer.Environment — a builder, hooks,
// provisioners and post-processors, each known to the host by name and
// configured by it — and prints through the host's Ui.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. Its arguments, as the host passes them:
//
//	build [-hook NAME]... [-provisioner NAME]... [-post-processor NAME]... BUILDER
package main

import "github.com/muxplug/muxplug/plugin"

func main() {
	plugin.ServeCommand(new(Command))
}
