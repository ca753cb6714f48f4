// Package remote carries every method of every interface of package
// github.com/muxplug/muxplug/packer across a muxplug connection: Go
// net/rpc calls, encoded with package codec, on streams of a mux.Broker.
//
// A plugin registers its component with Register on the server it serves
// on the main stream (id 0); the host wraps its client of that stream with
// NewBuilder, NewCommand, NewHook, NewPostProcessor or NewProvisioner and
// uses the result as it would use a local component. Package plugin does
// both, with this package's Server and Client: they speak net/rpc's
// protocol, so an rpc.Server and an rpc.Client (with package codec) work
// too, at the cost of more goroutine hand-offs per call. Use this package
// directly only to build your own transport.
//
// # Objects
//
// Every object that crosses the connection is served on a stream of its
// own, following the broker's rule: the side that serves an object takes an
// id with Broker.NextID, waits for the peer to dial it, and sends the id
// inside a call's arguments or reply; the peer dials the id on first use
// (an object the peer never uses costs no stream) and keeps that one
// stream for every call on the object. Each side serves the objects it
// owns:
//
//   - Objects passed as arguments (the Ui, Hook, Communicator, Cache,
//     Environment and Artifact given to a call) are served by the caller
//     for as long as the call lasts. When the call returns, the caller
//     closes their streams, calls still running in them see their context
//     end, and the callee's proxies fail every later call with ErrExpired.
//     A served call that is still running in such an object when the call
//     that carried it returns (a Ui.Ask waiting for a person) delays that
//     return until it ends.
//   - Objects returned by a call are served by the callee. The Artifact
//     returned by Builder.Run or PostProcessor.PostProcess lives until the
//     session ends: nothing tells the callee that the caller dropped it.
//     The Ui, Cache and components an Environment hands to a Command live
//     until the Command's Run returns; handing out the same object twice
//     reuses its id.
//   - An object handed back to the side that serves it (a Ui received in
//     Builder.Run and passed on to the host's Hook, an Artifact that
//     PostProcess returns unchanged) travels as a reference to the
//     original ("yours, id X"), and the receiver uses its own object, not
//     a proxy of a proxy: PostProcess returning its input gives the
//     caller back the very packer.Artifact it passed.
//
// The nil interface travels as nil. Every method of every interface is a
// call to the far side; proxies cache nothing. Methods whose signature has
// no error result (Ui.Say, Artifact.Id, Cache.Lock, Command.Help, ...)
// report a failed call to Options.Logger and return zero values; a proxy
// Command's Run returns ExitStatusFailed.
//
// # Services
//
// Each stream carries one net/rpc service named for its interface
// ("Ui.Say", "Builder.Run", ...); a main component's is registered under
// the names BuilderService and so on. Arguments and replies are msgpack
// maps (see package codec); every reply has an "err" field, nil or
// {code, msg}, and net/rpc's own error string is used only for requests the
// server cannot take (an unknown method), which arrive as ErrProtocol.
// An object reference is {id, yours}: id 0 is nil; without yours, id is
// one the sender serves and the receiver dials; with it, one the receiver
// serves itself. Values of type interface{} travel pre-encoded as msgpack
// bytes. The methods:
//
//	Ui             Ask Say Message Error Machine TrackStart TrackUpdate TrackEnd
//	Artifact       BuilderId Files Id String State Destroy
//	Builder        Prepare Run Cancel
//	Hook           Run Cancel
//	Provisioner    Prepare Provision Cancel
//	PostProcessor  Configure PostProcess Cancel
//	Command        Help Synopsis Run Cancel
//	Environment    Ui Cache Builder Hook Provisioner PostProcessor
//	Cache          Lock Unlock RLock RUnlock
//	Communicator   Start Wait Upload Download UploadDir DownloadDir Cancel
//
// Both ends of an object's stream speak net/rpc's protocol with lean
// implementations of their own. The proxy's client has no reader
// goroutine: the callers waiting for replies take turns reading the
// stream. The served side has no rpc.Server per object: the goroutine that
// reads a request starts a fresh one to wait for the next, then runs the
// method (on its own goroutine, as rpc.Server does) and exits; a Cancel
// runs on the reading goroutine, which then reads on. An idle object and
// its proxy therefore cost one small goroutine between them. Server and
// Client are the same two, exported for the main stream.
//
// # Cancellation
//
// Every long call (Builder.Run, Hook.Run, Provisioner.Provision,
// PostProcessor.PostProcess, Command.Run and every Communicator method)
// carries its context's state: a call id unique in the calling process,
// the deadline in Unix nanoseconds, and whether the context was already
// cancelled. The callee's context for the call has the same deadline
// (enforced by the callee's clock) and starts cancelled if the caller's
// was. While the call runs, the caller watches its context (with
// context.AfterFunc) and, when it is cancelled, sends "<Service>.Cancel"
// with the call id on the same stream, without waiting for its reply. The
// callee keeps a table of its running calls by id: Cancel cancels the
// matching call's context, and a Cancel that finds no such call (it
// overtook its call's request on the way to the handler) leaves a
// tombstone that makes the call start cancelled. Tombstones are forgotten
// after a minute, and at most 1024 are kept, so a Cancel that arrives after
// its call finished leaks nothing. The callee's context also ends when the
// session ends, and when the lifetime of the object serving the call ends.
// This holds in both directions: a plugin that cancels the context it gave
// to a host Communicator's Start stops the host's command.
//
// Communicator.Start returns once the command has started, but its context
// stays attached to the command: cancelling it later stops the command.
//
// # Errors
//
// An error returned by a remote method arrives as an *Error, carrying a
// code for the sentinel the original wrapped (see Error for the codes) and
// the original message; errors.Is(err, context.Canceled), io.EOF,
// fs.ErrNotExist, mux.ErrClosed and the other listed sentinels hold on the
// far side, and RegisterError adds others. A nil error stays nil. A panic
// in any served method, component or callback, is recovered: the call
// fails with an *Error of code "panic" (wrapping ErrPanic) whose message
// carries the panic value, the stack goes to the serving side's
// Options.Logger, and the object keeps serving other calls.
//
// A call whose stream or session breaks returns promptly with an error
// wrapping ErrTransport (and mux.ErrClosed once the session is gone),
// passed through Options.WrapTransportError. Commands started through a
// Communicator whose session dies end with RemoteCmd.SetError.
//
// # Values of type interface{}
//
// Prepare and Configure raws, Artifact.State values and Hook data travel
// as msgpack and come back as package codec's rules say (its doc has the
// full table): strings stay strings, []byte stays []byte, bools stay
// bools, signed integers become int64, unsigned ones uint64 (int64 from 0
// to 127), floats become float64, time.Time comes back in UTC with the
// same instant (the zero time as nil), slices and arrays become
// []interface{}, maps with string keys and structs become
// map[string]interface{} (struct fields by name), and nil pointers become
// nil. A value that cannot be encoded (a complex number) fails the call on
// the side that tried to send it; one that cannot be decoded into an
// interface{} (a map whose keys are not strings) fails it on the side that
// received it, and makes Artifact.State return nil (logged). Funcs and
// channels are not data: they arrive as nil and as an empty list.
//
// # Communicator streams
//
// Start gives each of the command's Stdin, Stdout and Stderr that is set
// its own raw stream, served by the side that owns the reader or writer;
// the exit status arrives later, by a Wait call made on its own goroutine,
// and RemoteCmd.SetExited is called only after the output streams have
// been copied to their end. Upload and Download move the file's bytes on
// a stream of their own, in chunks of up to 1 MiB with an end marker that
// tells a complete transfer from a failed one, under the stream's flow
// control; UploadDir and DownloadDir move a tar archive (package
// internal/archive) the same way and unpack it into a temporary directory
// on the side that calls the real Communicator, so host and plugin need
// not share a filesystem. Archives keep regular files, directories and
// symbolic links (as links, never followed below the source), with
// permission bits and modification times; extraction rejects names and
// links that would leave the destination.
//
// # Progress
//
// TrackProgress on a proxy Ui keeps the stream on the caller's side: it
// counts the bytes read through it and sends the running total to the
// serving side at most four times a second, and a last time on Close. The
// serving side feeds the real Ui's TrackProgress a synthetic reader that
// yields exactly that many bytes and then io.EOF, and closes the real
// reader when the report ends. Nothing of a report remains once its reader
// is closed.
//
// # Package state
//
// The package keeps one table of the objects this process serves, by
// broker and id, to resolve references handed back to it; an entry lives
// exactly as long as its object is served. RegisterError's codes are the
// only other package state.
package remote
