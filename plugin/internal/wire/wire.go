package wire

import "github.com/muxplug/muxplug/packer/objrpc"

// Info is the reply of Control.Info.
type Info struct {
	Kinds    []string `codec:"kinds"`    // component kinds served: "builder", "command", "hook", "post-processor", "provisioner"
	Pid      int      `codec:"pid"`      // the plugin's process id
	Versions []int    `codec:"versions"` // protocol versions the plugin speaks
	objrpc.Result
}
