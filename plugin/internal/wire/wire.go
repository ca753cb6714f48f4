// Package wire holds the argument and reply types of the plugin package's
// control service ("Control", on stream 0 next to the component). They are
// exported only because net/rpc requires it.
package wire

// Empty is the argument or reply of a control call that carries nothing.
type Empty struct{}

// Info is the reply of Control.Info.
type Info struct {
	Kinds    []string // component kinds served: "builder", "command", "hook", "post-processor", "provisioner"
	Pid      int      // the plugin's process id
	Versions []int    // protocol versions the plugin speaks
}
