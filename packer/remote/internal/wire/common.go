package wire

import (
	"time"

	"github.com/muxplug/muxplug/packer/objrpc"
)

// StringArgs is the argument of methods that take one string.
type StringArgs struct {
	S string `codec:"s"`
}

// StringReply is the reply of methods that return one string.
type StringReply struct {
	S string `codec:"s"`
	objrpc.Result
}

// StringsReply is the reply of methods that return a []string.
type StringsReply struct {
	S []string `codec:"s"`
	objrpc.Result
}

// ValueReply is the reply of methods that return an interface{}: Value is
// its msgpack encoding.
type ValueReply struct {
	Value []byte `codec:"value"`
	objrpc.Result
}

// ObjectReply is the reply of methods that return an object.
type ObjectReply struct {
	Object objrpc.Ref `codec:"object"`
	objrpc.Result
}

// ConfigArgs carries configuration raws: Raws is the msgpack encoding of
// the []interface{} given to Prepare or Configure.
type ConfigArgs struct {
	Raws []byte `codec:"raws"`
}

// FileInfo is packer.FileInfo on the wire. Mode holds fs.FileMode bits.
type FileInfo struct {
	Name    string    `codec:"name"`
	Size    int64     `codec:"size"`
	Mode    uint32    `codec:"mode"`
	ModTime time.Time `codec:"mtime"`
}
