package msgpack

import "errors"

// ErrMalformed is wrapped by every error caused by bytes that are not a
// well-formed message: a header or body that does not decode, trailing
// bytes, or a frame length that disagrees with its content. Package codec
// exports it as codec.ErrMalformed.
var ErrMalformed = errors.New("codec: malformed message")

// ErrTooLarge is wrapped by the error for a frame whose length prefix, or an
// outgoing message, exceeds MaxMessageSize. Package codec exports it as
// codec.ErrTooLarge.
var ErrTooLarge = errors.New("codec: message too large")
