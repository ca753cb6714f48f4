// Package msgpack is the library's one msgpack configuration and its
// message framing: Marshal and Unmarshal, the well-formedness check every
// peer byte passes before it is decoded, and Conn, which carries messages
// (a header and a body in one length-prefixed frame) on a stream.
//
// Package codec exports all of this and adapts Conn to net/rpc. It lives
// here so that the packages that carry calls without net/rpc (the plugin
// side of a connection, for one) do not link net/rpc, which pulls in
// net/http and html/template. Package codec's documentation states the
// frame format, the checks and the encoding rules in full.
package msgpack
