// Package codec implements net/rpc codecs that speak msgpack, and the one
// msgpack configuration that every part of muxplug uses.
//
// # Framing
//
// Each net/rpc message (a request or a response) travels as one frame:
//
//	length  uint32, big endian: the number of bytes that follow
//	header  one msgpack array: [ServiceMethod, Seq] for a request,
//	        [ServiceMethod, Seq, Error] for a response
//	body    one msgpack value: the call's argument or reply
//
// A message leaves in exactly one Write on the connection.
//
// # Contract
//
// The codecs follow net/rpc's ClientCodec and ServerCodec contracts; they
// are meant to be driven by rpc.Client and rpc.Server, which honour it:
//
//   - Reads come from one goroutine at a time. Each header read is
//     followed by exactly one body read, before the next header read. A
//     body read with a nil body discards the body. A body read with no
//     header before it is an error.
//   - A header read blocks until a whole frame has arrived, the connection
//     fails, or it is closed. The body read that follows never blocks: the
//     frame is already in memory.
//   - WriteRequest and WriteResponse may be called from any number of
//     goroutines, concurrently with each other and with the reads; whole
//     messages never interleave. Each blocks until the connection has
//     accepted the frame's single Write.
//   - Close may be called at any time from any goroutine. It closes the
//     connection exactly once; later calls return the first call's result.
//     A read or write blocked in the connection returns when the
//     connection's Close unblocks it, as it does for a net.Conn.
//   - A clean end of the connection between two messages is io.EOF, as
//     net/rpc expects; an end in the middle of a frame is an error wrapping
//     io.ErrUnexpectedEOF.
//
// # Bad input
//
// A frame whose length prefix exceeds [MaxMessageSize] is an error wrapping
// [ErrTooLarge], returned before anything is allocated for it. Before
// decoding, the codec checks that the frame holds exactly two well-formed
// msgpack values: every length a value announces (of a string, a binary,
// an extension, or the elements of an array or map) fits in the bytes that
// remain, containers nest at most 512 deep, and nothing follows the body.
// A frame that fails the check is rejected when its header is read, with an
// error wrapping [ErrMalformed]; net/rpc then stops reading the connection.
// A well-formed body that does not decode into the call's argument type is
// an error wrapping ErrMalformed from the body read; a net/rpc server
// answers that call with an error and keeps serving.
//
// No input makes a codec panic or recurse without bound. A codec does not
// allocate far ahead of the bytes a peer really sends: the buffer for a
// frame larger than 256 KiB grows as its bytes arrive. Decoding costs memory
// in proportion to the frame: about its size for typed values, and up to
// about 40 times its size for a frame of tiny elements decoded into
// interface{} (a one-byte msgpack nil becomes a 16-byte interface value).
//
// An outgoing message larger than MaxMessageSize is not written: the
// write returns an error wrapping ErrTooLarge. On the server side the
// caller is sent an error response for the call instead, so it does not
// wait for a reply that never comes.
//
// # Encoding rules
//
// One msgpack handle serves the whole library (see [Marshal]). Strings are
// sent as msgpack str and []byte as msgpack bin, so the two never mix;
// strings are not checked for valid UTF-8 and any bytes travel unchanged.
// Struct fields travel by name (a `codec:"name"` tag renames one,
// `codec:"-"` skips it, unexported fields are not sent).
//
// A value decoded into a typed Go value keeps its type, with two losses
// for time.Time: it keeps its instant to the nanosecond, but comes back in
// UTC and without a monotonic clock reading. The zero time.Time comes back
// as the zero time.
//
// A value decoded into an interface{} comes back as follows:
//
//	string                      string
//	[]byte                      []byte ([]byte{} stays empty, a nil []byte becomes nil)
//	bool                        bool
//	int, int8 ... int64         int64
//	uint, uint8 ... uint64      uint64, but int64 for values 0 to 127 (msgpack
//	                            has one encoding for small non-negative integers)
//	float32, float64            float64
//	time.Time                   time.Time in UTC, same instant; the zero time comes back as nil
//	slice or array              []interface{} (a nil slice becomes nil)
//	map with string keys        map[string]interface{} (a nil map becomes nil)
//	struct                      map[string]interface{} keyed by field name
//	nil pointer, nil interface  nil
//
// A non-nil pointer travels as the value it points to. Named types travel
// as their underlying kind: an fs.FileMode decoded into an interface{} is
// a uint64, a time.Duration an int64. A map whose keys are not strings
// decodes into a typed map, but decoding it into an interface{} is an
// error wrapping ErrMalformed.
//
// # Buffering
//
// A message is encoded into a pooled buffer and leaves in exactly one Write
// on the underlying connection. Reading takes the frame into a pooled
// buffer. An idle codec holds no buffer at all, so a served object that
// waits for calls costs little memory.
package codec
