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
// Everything the plugin prints on stderr, and on stdout after its
// handshake line, is relayed line by line to ClientConfig.Stderr and to the
// logger, and the last lines are kept: when a plugin fails to start or
// dies, the error (an *ExitError, or a *HandshakeError for a bad handshake
// line) says what it printed last. A call in flight when the plugin process
// dies fails within a second with an error from which errors.As recovers
// the *ExitError.
package plugin
