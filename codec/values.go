package codec

import "github.com/muxplug/muxplug/internal/msgpack"

// ErrMalformed is wrapped by every error caused by bytes that are not a
// well-formed message: a header or body that does not decode, trailing
// bytes, or a frame length that disagrees with its content.
var ErrMalformed = msgpack.ErrMalformed

// ErrTooLarge is wrapped by the error for a frame whose length prefix, or an
// outgoing message, exceeds MaxMessageSize.
var ErrTooLarge = msgpack.ErrTooLarge

// Marshal encodes v as msgpack with the library's handle (see the package
// doc for the rules). It is safe for concurrent use.
func Marshal(v interface{}) ([]byte, error) { return msgpack.Marshal(v) }

// Unmarshal decodes msgpack data into v, which must be a non-nil pointer.
// All of data must be used by one value. Malformed data gives an error
// wrapping ErrMalformed; see the package doc for the checks. It is safe
// for concurrent use.
func Unmarshal(data []byte, v interface{}) error { return msgpack.Unmarshal(data, v) }
