// Package plugin provides the functionality to both expose a Packer plugin
// binary and to connect to an existing Packer plugin binary.
//
// Packer supports plugins in the form of self-contained external static Go
// binaries. These binaries behave in a certain way (enforced by this
// package) and are connected to in a certain way (also enforced by this
// package).
//
// # Plugin side
//
// A plugin's main function calls one of ServeBuilder, ServeCommand,
// ServeHook, ServePostProcessor or ServeProvisioner. These never return:
// they serve the component until the host is done with it and exit the
// process with one of the Exit* codes. Serve is the same without the exit
// and the signal handling, for programs that want to decide themselves.
//
// A plugin process ignores SIGINT (a terminal's Ctrl-C reaches host and
// plugins alike, and the host decides what to cancel), treats SIGTERM as a
// request to stop, and exits on its own when its host goes away: through
// the closed connection once connected, through EOF on its stdin before.
//
// # Host side
//
// A host makes a Client per plugin binary with NewClient, obtains the
// component with Builder, Command, Hook, PostProcessor or Provisioner
// (which start the plugin on first use), and calls Kill when done, or
// marks the client Managed and calls CleanupClients before exiting.
//
//	client := plugin.NewClient(&plugin.ClientConfig{
//		Cmd:     exec.Command("packer-builder-foo"),
//		Managed: true,
//		Stderr:  os.Stderr,
//	})
//	defer plugin.CleanupClients()
//	builder, err := client.Builder()
//
// One connection carries everything between host and plugin: the host
// launches the plugin with a few environment variables (among them a fresh
// secret), reads one handshake line from its stdout, connects to the
// address it names, proves it knows the secret, and runs a multiplexed
// session (package mux) over the connection. Stream 0 carries the
// component's net/rpc service and a small control service; every object
// passed in a call (a Ui, a Communicator, an Artifact) gets a stream of its
// own. docs/protocol.md in the repository describes the wire protocol in
// full.
//
// # Plugin sets
//
// A plugin binary may serve several named components of every kind, as
// today's Packer plugins do: its main function registers a factory per
// component on a Set and calls Set.Run.
//
//	set := plugin.NewSet()
//	set.SetVersion("1.0.0")
//	set.RegisterBuilder("disk", func() packer.Builder { return new(DiskBuilder) })
//	set.RegisterProvisioner("shell", func() packer.Provisioner { return new(Shell) })
//	set.Run()
//
// The host picks a component by kind and name (BuilderNamed, HookNamed,
// ...) and gets a fresh instance per request, served on a stream of its own
// over the process's one connection for as long as it keeps the proxy:
// several components, of one kind or several, cost one process. A
// component registered under DefaultName ("-") is also what Builder (Hook,
// ...) returns; ServeBuilder and friends serve their one component so.
//
// Run with the argument describe, a plugin binary (a set or a Serve*
// plugin) prints a Description as JSON and exits 0, whether or not a host
// started it; Describe runs a binary so and reads it, and
// Client.Description asks a running plugin the same. A name the plugin
// does not offer fails with an error wrapping ErrUnknownComponent that
// lists what it offers.
//
// # Debugging a plugin
//
// A plugin binary started by hand (without the magic cookie) with the
// variable MUXPLUG_DEBUG=1 (DebugEnv; "unix" for a unix socket) runs in
// debug mode: it listens, prints a reattach line (ReattachConfig: network,
// address, pid and a fresh secret) on stdout, and serves every host that
// attaches with it, each in a session of its own, until SIGINT or SIGTERM.
// A host whose ClientConfig.Reattach holds that configuration (see
// ParseReattach and ReattachFromEnv) connects to it instead of starting a
// process; its Kill ends the session and never signals the process. So a
// plugin can run under a debugger while a host drives it.
//
// # Checksums, health and statistics
//
// ClientConfig.SecureConfig makes Start refuse a binary whose checksum is
// not the expected one (a *ChecksumError). Client.Ping times a round trip
// on the connection; a plugin that stops answering (hung, or stopped with
// SIGSTOP) is noticed by the session's keepalives (mux.Config's
// KeepAliveInterval and ConnectionWriteTimeout), after which its calls
// fail with an error wrapping ErrUnresponsive. Client.Stats is a snapshot
// of the session (streams, calls in flight, served objects, bytes each
// way, pid, start time), and ClientConfig.LogCalls and ServeConfig.LogCalls
// log every call at debug level.
//
// Everything the plugin prints on stderr, and on stdout after its
// handshake line, is relayed line by line to ClientConfig.Stderr and to the
// logger, and the last lines are kept: when a plugin fails to start or
// dies, the error (an *ExitError, or a *HandshakeError for a bad handshake
// line) says what it printed last. A call in flight when the plugin process
// dies fails within a second with an error from which errors.As recovers
// the *ExitError.
package plugin
