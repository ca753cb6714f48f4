package codec

import "github.com/muxplug/muxplug/internal/msgpack"

// The internals of package msgpack that codec's tests exercise through
// codec.
var checkValues = msgpack.CheckValues

const (
	maxDepth   = msgpack.MaxDepth
	readChunk  = msgpack.ReadChunk
	prefixSize = msgpack.PrefixSize
)
