package wire

import "github.com/muxplug/muxplug/packer/objrpc"

// ComponentArgs is the argument of Control.Component: the kind of
// component ("builder", ...) and its name in the plugin's set.
type ComponentArgs struct {
	Kind string `codec:"kind"`
	Name string `codec:"name"`
}

// ComponentReply is the reply of Control.Component: a releasable
// reference to a fresh instance of the component.
type ComponentReply struct {
	Object objrpc.Ref `codec:"obj"`
	objrpc.Result
}
