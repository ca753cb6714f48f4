// Command upload is a provisioner plugin: it copies a file or a directory
// from this machine to the machine being built, showing the progress of a
// file as it goes.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. Configuration (source relative to the plugin's working directory):
//
//	{
//	  "source": "payload.bin",        // required: a file or a directory
//	  "destination": "data/",         // required: a path on the machine; a trailing
//	                                  // slash puts the source inside it
//	  "exclude": ["*.tmp"],           // for directories: patterns left out
//	  "bytes_per_second": 10485760    // for files: a rate limit (default: none)
//	}
package main

import "github.com/muxplug/muxplug/plugin"

func main() {
	plugin.ServeProvisioner(new(Provisioner))
}
