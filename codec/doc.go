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
// A frame whose length exceeds [MaxMessageSize], or whose header or body do
// not decode, or whose length does not match the bytes the header and body
// use, is an error: the codec reports it and net/rpc then closes the
// connection. Nothing a peer sends can make the codec allocate more than
// MaxMessageSize for one message, and nothing it sends can make it panic.
//
// # Encoding rules
//
// One msgpack handle serves the whole library (see [Marshal]). A value
// decoded into a typed Go value keeps its type. A value decoded into an
// interface{} comes back as follows:
//
//	string                      string
//	[]byte                      []byte
//	bool                        bool
//	any signed or unsigned int  int64, or uint64 above math.MaxInt64
//	float32, float64            float64 (float32 stays float32)
//	time.Time                   time.Time in UTC, same instant; the zero time comes back as nil
//	slice or array              []interface{}
//	map or struct               map[string]interface{} (struct fields by name)
//	nil pointer, nil interface  nil
//
// Decoded into a typed field, the zero time.Time comes back as the zero time.
//
// # Buffering
//
// A message is encoded into a pooled buffer and leaves in exactly one Write
// on the underlying connection. Reading takes the frame in one io.ReadFull
// into a pooled buffer. An idle codec holds no buffer at all, so a served
// object that waits for calls costs little memory.
package codec
