// Package remote carries every method of every interface of package
// github.com/muxplug/muxplug/packer across a muxplug connection, on the
// runtime of package objrpc: each file of it says how one interface's
// methods cross the wire.
//
// A plugin serves its component on its main object by giving it to
// NewConn (or later to Conn.RegisterComponent); the host's Conn returns
// proxies of it with Builder, Command, Hook, PostProcessor and
// Provisioner, which it uses as it would use a local component. Package
// plugin does both; use this package directly only to build your own
// transport.
//
// # Services
//
// Each interface is one service, named for it; a main component's is
// registered under BuilderService and so on. The methods (those marked *
// are cancellable: their context crosses the wire, see objrpc):
//
//	Ui             Ask Say Message Error Machine TrackStart TrackUpdate TrackEnd
//	Artifact       BuilderId Files Id String State Destroy
//	Builder        Prepare Run*
//	Hook           Run*
//	Provisioner    Prepare Provision*
//	PostProcessor  Configure PostProcess*
//	Command        Help Synopsis Run*
//	Environment    Ui Cache Builder Hook Provisioner PostProcessor
//	Cache          Lock Unlock RLock RUnlock
//	Communicator   Start* Wait Upload* Download* UploadDir* DownloadDir*
//
// Every service also answers Cancel. The argument and reply structs, with
// their msgpack field names, are in this package's internal/wire.
//
// Ui.Say, Message, Error and Machine, and the progress updates
// (TrackUpdate), have no result and are one-way calls (see objrpc): they
// return once the line is on its way, without a round trip, and run on the
// host in the order they were made. The call that carried the Ui
// (Provision, say) returns to the host only after every line the plugin
// said on it has run there. A plugin that dies right after a Say may lose
// the lines still in flight: at most 256 per Ui. A Say that fails on the
// host (its Ui panicked) is logged by the plugin.
//
// # Objects
//
// The objects a call carries (the Ui, Hook, Communicator, Artifact and
// Environment given to Builder.Run, Hook.Run, Provisioner.Provision,
// PostProcessor.PostProcess or Command.Run) are served by the caller for
// as long as the call lasts; the callee's proxies fail with
// objrpc.ErrExpired once it has returned. A call still running in such an
// object when the call that carried it returns (a Ui.Ask waiting for a
// person) delays that return until it ends. The Ui, Cache and components
// an Environment hands out live until the Command's Run returns; handing
// out the same object twice reuses its id.
//
// The artifact Builder.Run or PostProcessor.PostProcess returns is
// releasable: the plugin serves it until the host's proxy of it is
// unreachable (the host's garbage collector found it so) or the session
// ends. A host that keeps an artifact keeps it served; one that drops it
// costs the plugin nothing once it is collected. An artifact PostProcess
// returns unchanged comes back as the very packer.Artifact the caller
// passed, and one handed back to the plugin that serves it arrives there
// as the plugin's own object.
//
// The nil interface travels as nil. Every method of every interface is a
// call to the far side; proxies cache nothing. Methods whose signature has
// no error result (Ui.Say, Artifact.Id, Cache.Lock, Command.Help, ...)
// report a failed call to the Conn's logger and return zero values; a
// proxy Command's Run returns ExitStatusFailed.
//
// # Values of type interface{}
//
// Prepare and Configure raws, Artifact.State values and Hook data travel
// as one pre-encoded msgpack value and come back as package codec's rules
// say (its doc has the full table): strings stay strings, []byte stays
// []byte, bools stay bools, signed integers become int64, unsigned ones
// uint64 (int64 from 0 to 127), floats become float64, time.Time comes
// back in UTC with the same instant (the zero time as nil), slices and
// arrays become []interface{}, maps with string keys and structs become
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
// a byte stream of its own (objrpc.ServeData), served by the side that
// owns the reader or writer; the exit status arrives later, by a Wait call
// made on its own goroutine, and RemoteCmd.SetExited is called only after
// the output streams have been copied to their end. Start's context stays
// with the command: cancelling it, even after Start returned, stops the
// command. Upload and Download move the file's bytes on a byte stream in
// objrpc's chunk format, under the stream's flow control; UploadDir and
// DownloadDir move a tar archive (package internal/archive) the same way
// and unpack it into a temporary directory on the side that calls the real
// Communicator, so host and plugin need not share a filesystem. Archives
// keep regular files, directories and symbolic links (as links, never
// followed below the source), with permission bits and modification times;
// extraction rejects names and links that would leave the destination. The
// archive package's errors cross the wire with the codes
// archive.unsafe_path, archive.unsupported and archive.not_dir.
//
// # Progress
//
// TrackProgress on a proxy Ui keeps the stream on the caller's side: it
// counts the bytes read through it and sends the running total to the
// serving side at most four times a second (TrackUpdate), and a last time
// on Close (TrackEnd). The serving side feeds the real Ui's TrackProgress
// a synthetic reader that yields exactly that many bytes and then io.EOF,
// and closes the real reader when the report ends. Nothing of a report
// remains once its reader is closed.
package remote
