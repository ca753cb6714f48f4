package plugin

import (
	"errors"

	"github.com/muxplug/muxplug/packer/objrpc"
)

// Sentinel errors of plugin sets, reattaching, checksums and health. Like
// those of errors.go, returned errors wrap them: test with errors.Is.
var (
	// ErrUnknownComponent is wrapped by the error of a request for a
	// component the plugin does not offer (Client.BuilderNamed and friends,
	// Description.Lookup); the message lists what it offers. It crosses
	// the wire with the code "plugin.unknown_component".
	ErrUnknownComponent = errors.New("plugin: unknown component")

	// ErrNoSets is wrapped by the error of Client.BuilderNamed and friends
	// when the plugin predates plugin sets: it serves one component, which
	// Client.Builder (Command, ...) reaches.
	ErrNoSets = errors.New("plugin: plugin serves no named components")

	// ErrUnresponsive is wrapped by the error of calls that failed because
	// the plugin stopped answering keepalives (it is hung, or stopped with
	// SIGSTOP) while its process still runs; the session is then closed.
	ErrUnresponsive = errors.New("plugin: plugin stopped answering")

	// ErrChecksum is wrapped by the *ChecksumError of a Start that refused
	// to run a binary whose checksum is not ClientConfig.SecureConfig's.
	ErrChecksum = errors.New("plugin: checksum mismatch")

	// ErrNotStarted is returned by Client.Ping before the client started.
	ErrNotStarted = errors.New("plugin: client not started")
)

func init() {
	// Host and plugin both import this package, so both know the code.
	if err := objrpc.RegisterError("plugin.unknown_component", ErrUnknownComponent); err != nil {
		panic(err) // a programming error: the code is fixed
	}
}
