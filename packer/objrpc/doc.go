// Package objrpc is the RPC runtime of a muxplug connection: it serves Go
// objects on the streams of a mux.Broker and calls the peer's. Package
// remote uses it to carry the packer interfaces across; it works for any
// interface whose methods are written as Kind describes.
//
// # Conn
//
// A Conn is the runtime of one connection, and holds everything that is
// per connection: the table of the objects this side serves by id, the
// numbering of this side's cancellable calls, the table of the peer's
// running ones, and the options. Each side's id 0 is its main object,
// which serves the services added with Register (a plugin's component and
// control service) and the runtime's own service "Runtime". One goroutine
// per Conn takes the streams the peer dials (a mux.Listener); every dialed
// object then has one goroutine waiting for its next request on each of
// its streams, and an object nobody has dialed costs no goroutine.
//
// # Calls
//
// A call is net/rpc's protocol on an object's stream, framed as package
// codec describes: a request {ServiceMethod, Seq} with the argument, a
// response {ServiceMethod, Seq, Error} with the reply. Seq numbers start at
// 1 on each stream. Arguments and replies are msgpack maps. Every reply
// embeds Result, whose "err" is nil or the method's error as {code, msg};
// the response header's Error string is used only for a request the server
// could not take (an unknown method, an argument that does not decode),
// which the caller sees as ErrProtocol.
//
// The goroutine that reads a request runs its method itself, after
// starting another to read the next one, so a method starts without a
// hand-off and calls on one stream overlap. A stream's client has no
// goroutine: the callers waiting for replies take turns reading them.
//
// # One-way calls
//
// Proxy.Send makes a call that is not waited for: a request of Seq 0, which
// the server runs on the goroutine that reads the stream, in the order the
// requests arrive, and answers only if it fails (a response of Seq 0 that
// the sender logs, with the method, and counts in Stats.OneWayFailed).
// When Send returns, the call is on its way, not yet run. A waited-for call
// on the same stream runs after every one-way call sent before it. The
// sender sends "Runtime.Sync" after every 128 one-way calls and waits for
// the older of two outstanding Syncs, so at most 256 calls per stream are
// unconfirmed: a receiver that stops (a Ui that blocks) slows the sender
// down, and a sender that dies loses at most those. When a scope closes,
// its streams are synced first, so a served call's reply always follows
// every one-way call the callee made on the objects it received: one round
// trip per object used, not one per call. Calls left unconfirmed by a
// stream that breaks are logged and counted in Stats.OneWayLost.
//
// # Objects and lifetimes
//
// The side that serves an object takes an id (mux.Broker.NextID), enters
// the object in its table, and sends a Ref {id, yours, rel} inside a
// call's arguments or reply; the receiver turns it into a proxy with
// Import, which dials the id on first use and keeps that one stream for
// every call through proxies of that id in its scope. An object has one of
// three lifetimes:
//
//   - Scoped (Scope.Export): the objects passed to one outgoing call are
//     served until it returns (the caller closes the scope), and the
//     proxies a served call receives (Call.In) end when it returns. An
//     object handed out by a scoped object (an Environment's Ui) lives in
//     the same scope. Closing a scope cancels the calls running in its
//     objects, closes their streams, and waits for those calls.
//   - Releasable (Conn.ExportReleasable, Ref.Release set): an object a
//     method returns for the caller to keep (an artifact) is served until
//     the caller releases it or the connection ends. The caller's proxy
//     carries a runtime cleanup: once the garbage collector finds the
//     proxy unreachable, its stream is closed and its id is sent, batched
//     with others, to "Runtime.Release" on the peer's main object, which
//     ends the object. A session that returns an artifact per call
//     therefore stays flat however many calls it makes.
//   - The main object, which lives as long as the Conn.
//
// A proxy handed back to the side that serves its object travels as a
// Ref with yours set, and the receiver uses its own object, not a proxy of
// a proxy. A call on an object whose lifetime has ended fails with
// ErrExpired: at once through a proxy whose scope closed, and, when the
// serving side ended it first, once the broker refuses the dial (after its
// BrokerTimeout) or the object's stream closes.
//
// # Cancellation
//
// The argument of a cancellable method embeds CallState: a call id unique
// on the connection, the caller's deadline in Unix nanoseconds, and
// whether the caller's context had already been cancelled. The method's
// context (Call.Context) has that deadline, by the callee's clock, and
// starts cancelled if the caller's was. While the call runs, the caller
// watches its context (context.AfterFunc) and, when it is cancelled,
// sends "<Service>.Cancel" with the call id on the same stream without
// waiting for its reply; every service answers Cancel. The callee keeps
// its running cancellable calls by id: Cancel cancels the matching call's
// context, and a Cancel that finds no such call (it overtook its call's
// request) leaves a tombstone that makes the call start cancelled.
// Tombstones are forgotten after a minute, and at most 1024 are kept. A
// method's context also ends when the lifetime of the object serving it
// ends and when the Conn ends. Call.KeepContext keeps a cancellable
// call's context past the method's return, for what the call started.
//
// # Errors
//
// An error returned by a remote method arrives as an *Error that carries
// a code for the sentinel the original wrapped (see Error for the codes)
// and the original message; errors.Is holds on the far side for the
// listed sentinels and those added with RegisterError. A panic in a
// served method is recovered: the call fails with code "panic" (wrapping
// ErrPanic) and the panic value, the stack goes to the serving side's
// logger, and the object keeps serving. A call whose stream or session
// breaks returns promptly with an error wrapping ErrTransport, passed
// through Options.WrapTransportError. A message over the size limit is not
// sent: a request fails with an error wrapping codec.ErrTooLarge that
// names the call, a reply is replaced by that error (with its code), and
// the stream stays usable.
//
// # Byte streams
//
// ServeData serves a raw stream for one call and DialData reaches the
// peer's; a ChunkWriter and ChunkReader carry bytes on it in chunks of up
// to 1 MiB with an end marker, so that the receiver tells a complete
// transfer from one whose sender failed (the failure marker carries the
// sender's error) or vanished:
//
//	chunk    uint32 n, big endian, 0 < n <= 1 MiB, then n bytes
//	success  uint32 0
//	failure  uint32 0xFFFFFFFF, uint32 m (m <= 64 KiB), then m bytes:
//	         the msgpack encoding of the sender's error {code, msg}
//
// The stream's flow control is the transfer's backpressure.
//
// # Progress
//
// NewProgressReader and Tracker carry progress across: the side that
// reads a stream reports the running total of bytes read, at most once per
// ProgressInterval and finally on Close; the other side feeds a Tracker,
// whose synthetic stream yields exactly the bytes reported.
//
// # Process state
//
// RegisterError's table is the package's one piece of process state, like
// gob.Register's: a sentinel is process state too, and every connection
// must agree on its code.
package objrpc
