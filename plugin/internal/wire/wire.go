package wire

import "github.com/muxplug/muxplug/packer/objrpc"

// Info is the reply of Control.Info.
type Info struct {
	Kinds    []string `codec:"kinds"`    // component kinds served: "builder", "command", "hook", "post-processor", "provisioner"
	Pid      int      `codec:"pid"`      // the plugin's process id
	Versions []int    `codec:"versions"` // protocol versions the plugin speaks

	// Version and Components are what describe prints: the plugin's
	// version, and the names of its components by kind. Plugins from
	// before plugin sets send neither.
	Version    string              `codec:"version,omitempty"`
	Components map[string][]string `codec:"components,omitempty"`
	objrpc.Result
}
