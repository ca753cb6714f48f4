// Package mux carves one connection between a host and a plugin into
// numbered streams.
//
// Client (the host) and Server (the plugin) each wrap their end of the
// connection in a hashicorp/yamux session and return a Broker. The side
// that will serve an object takes an id with NextID, waits for the peer
// with Accept (or takes the streams of many ids with a Listener), and
// sends the id to the peer inside an RPC; the peer reaches the object with
// Dial. Each side's ids are its own: a stream always names an id of the
// side that accepts it, so the two sides never need to agree on who
// allocates what. Each side's id 0 is its main object: the plugin's serves
// its component, and the host dials it first.
//
// Opening a stream costs no round trip. Dial returns once yamux has
// written the stream's SYN (yamux does not wait for the peer's ACK), the
// stream header rides in the same frame as the first request, and the
// acceptor's verdict rides in front of its first reply. A dial the peer
// refuses therefore surfaces on the dialer's first Read, as an error that
// wraps ErrRejected and the reason (ErrAcceptTimeout, ErrDuplicateID,
// ErrClosed, ErrBadHeader) and names the id.
//
// Because the header is lazy, the acceptor learns of a dial only when the
// dialer first writes, writes zero bytes, or closes. Accept and parked
// streams are bounded by Config.BrokerTimeout, so a dialer must do one of
// these within that time; a dialer that expects the acceptor to speak
// first sends the header with a zero-length Write.
//
// # Wire format
//
// Below the broker is yamux protocol version 0 (see hashicorp/yamux's
// spec.md), spoken by hashicorp/yamux itself: 12-byte frame headers
// (version, type, flags, stream id, length; big-endian). The host is the
// yamux client and opens odd yamux stream ids, the plugin the server with
// even ones; yamux ids are not broker ids. Beneath yamux, every data
// frame's header and its body are written to the connection in one system
// call (a writev for large bodies), which changes nothing on the wire.
//
// Inside each yamux stream, the broker adds two things:
//
//  1. The stream header, sent by the dialer as the first 5 bytes of the
//     stream: one version byte, 1, then the acceptor's id as a 32-bit
//     big-endian unsigned integer. This implementation sends it in the
//     same data frame as the first payload bytes; a dialer that closes
//     without writing sends it alone before its FIN. An acceptor that
//     reads a header with another version answers status 4 and closes.
//
//  2. The status byte, sent by the acceptor as the first byte it writes
//     on the stream:
//
//     0  accepted; the acceptor's payload follows (sent with its first
//     payload bytes, never alone unless the acceptor writes zero bytes)
//     1  rejected: no Accept for the id within the acceptor's timeout
//     2  rejected: a stream for the id was already waiting to be accepted
//     3  rejected: the acceptor is shutting down
//     4  rejected: the stream header could not be decoded
//
//     A rejection is written eagerly, followed by the acceptor's FIN;
//     anything the dialer wrote is discarded. Other codes are reserved and
//     must be treated as a rejection. An acceptor that closes without
//     writing sends no status byte: the dialer reads a plain end of stream
//     (io.EOF).
//
// After the header and the status byte, a stream carries opaque bytes in
// each direction: package objrpc's calls, or, for a user who brings their
// own, net/rpc with the codecs of package codec (see the example).
//
// # Lifetime
//
// A Broker ends when Close is called or its connection fails; Done is then
// closed and Err says why. Pending Accepts, Dials and stream Writes fail
// with errors wrapping ErrClosed, and pending net/rpc calls fail; nothing
// waits for the peer.
//
// A stream Read returns io.EOF only while the session is up: the peer
// closed its side cleanly. yamux ends the streams of a lost session as if
// their peer had closed them, so once the session has ended a Read that
// has returned the bytes already received fails with the broker's error,
// which wraps ErrClosed and the cause: a lost session is never mistaken
// for a clean end of stream, at the price that a stream whose peer closed
// it just before the connection went away may report the loss instead of
// io.EOF. A stream the peer's yamux reset fails with ErrStreamReset.
package mux
