// Package mux carves one connection between a host and a plugin into
// numbered streams.
//
// Client (the host) and Server (the plugin) each run a yamux session over
// their end of the connection and return a Broker. The side that will
// serve an object takes an id with NextID, waits for the peer with Accept
// (or ServeRPC), and sends the id to the peer inside an RPC; the peer
// reaches the object with Dial (or DialRPC). Each side's ids are its own:
// a stream always names an id of the side that accepts it, so the two
// sides never need to agree on who allocates what. Id 0 is the main
// service: the host dials it and the plugin accepts it.
//
// Opening a stream costs no round trip and no write of its own. Dial
// returns at once; the stream's SYN, its header and the first request
// leave together in one write, and the acceptor's verdict rides in front
// of its first reply. A dial the peer
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
// spec.md), unchanged: 12-byte frame headers (version, type, flags, stream
// id, length; big-endian), data, window-update, ping and go-away frames,
// SYN/ACK/FIN/RST flags, a 256 KiB initial stream window. The host is the
// yamux client and opens odd yamux stream ids, the plugin the server with
// even ones; yamux ids are not broker ids.
//
// The session is this package's own implementation of that protocol,
// tested against hashicorp/yamux in both roles. It differs from
// hashicorp/yamux in how it runs, not in what it sends: every frame is
// written by the goroutine that produces it, in one system call together
// with the frames it depends on (a stream's SYN window update travels
// with its first data frame), rather than handed to a send goroutine and
// waited for, which between processes costs more than the write itself.
// Its choices where the protocol leaves room: Close is a full close (FIN,
// unread bytes dropped, and the first bytes that arrive afterwards answered
// with RST, as TCP does); a Read on a stream the peer reset returns the
// bytes that arrived first, then an error wrapping ErrStreamReset; a frame
// that breaks the protocol (unknown version or type, a data frame beyond
// the stream's window, a peer opening a stream id of ours or one that is
// open) ends the session with a go-away carrying the protocol-error code
// and an error wrapping ErrProtocol.
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
// each direction. ServeRPC and DialRPC run net/rpc over it with the
// msgpack codec of package codec.
//
// # Lifetime
//
// A Broker ends when Close is called or its connection fails; Done is then
// closed and Err says why. Pending Accepts and Dials return errors that
// wrap ErrClosed, blocked stream Writes fail, blocked stream Reads return
// the bytes already received and then an error wrapping ErrClosed and the
// cause (a lost session is never mistaken for a clean end of stream), and
// pending net/rpc calls fail. Nothing waits for the peer.
package mux
