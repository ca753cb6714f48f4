package objrpc

import (
	"fmt"

	"github.com/muxplug/muxplug/internal/msgpack"
)

// ValueLimit bounds an encoded interface{} value, leaving room in a
// message (codec.MaxMessageSize) for the rest of it.
const ValueLimit = msgpack.MaxMessageSize - 64<<10

// EncodeValue encodes an interface{} value that crosses the wire as one
// pre-encoded msgpack value, so that a value that cannot be encoded is an
// error of the side that tried to send it (naming what), never a message
// that fails to leave. A value over ValueLimit fails with an error
// wrapping codec.ErrTooLarge. It is safe for concurrent use.
func EncodeValue(what string, v interface{}) ([]byte, error) {
	b, err := msgpack.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("objrpc: encode %s: %w", what, err)
	}
	if len(b) > ValueLimit {
		return nil, fmt.Errorf("objrpc: encode %s: %d bytes, limit %d: %w", what, len(b), ValueLimit, msgpack.ErrTooLarge)
	}
	return b, nil
}

// DecodeValue decodes a value encoded by EncodeValue into an interface{}
// (see package codec for what comes back). An empty encoding (a peer that
// sent none) is nil. It is safe for concurrent use.
func DecodeValue(what string, b []byte) (interface{}, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var v interface{}
	if err := msgpack.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("objrpc: decode %s: %w", what, err)
	}
	return v, nil
}

// DecodeList is DecodeValue for a value that must be a list (the raws of
// a Prepare, say).
func DecodeList(what string, b []byte) ([]interface{}, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var list []interface{}
	if err := msgpack.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("objrpc: decode %s: %w", what, err)
	}
	return list, nil
}
