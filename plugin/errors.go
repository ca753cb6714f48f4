package plugin

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/muxplug/muxplug/packer/objrpc"
)

// Sentinel errors. Errors returned by this package wrap them with %w and the
// operation that failed, so test them with errors.Is.
var (
	// ErrNotPlugin is returned by Serve when the process was not started by a
	// plugin host (the magic cookie is missing or wrong).
	ErrNotPlugin = errors.New("plugin: not started by a plugin host")

	// ErrBadEnvironment is returned by Serve when the variables the host set
	// (ports, versions, network, secret) cannot be used.
	ErrBadEnvironment = errors.New("plugin: bad launch environment")

	// ErrIncompatibleVersion means host and plugin share no protocol version.
	ErrIncompatibleVersion = errors.New("plugin: incompatible protocol version")

	// ErrNoPort means every port of the configured range was taken.
	ErrNoPort = errors.New("plugin: no free port in range")

	// ErrHostGone is returned by Serve when the host went away (its stdin pipe
	// reached EOF) before it connected.
	ErrHostGone = errors.New("plugin: host went away before connecting")

	// ErrConnectTimeout is returned by Serve when no authenticated host
	// connected within ServeConfig.ConnectTimeout.
	ErrConnectTimeout = errors.New("plugin: host did not connect in time")

	// ErrAuth means the authentication exchange failed: the plugin dropped the
	// host's connection or answered something unexpected.
	ErrAuth = errors.New("plugin: authentication failed")

	// ErrStartTimeout means the plugin did not complete the handshake within
	// ClientConfig.StartTimeout.
	ErrStartTimeout = errors.New("plugin: start timed out")

	// ErrKilled is returned by a Client that was killed before it could start
	// or after it stopped.
	ErrKilled = errors.New("plugin: client killed")

	// ErrWrongKind is returned by a dispense method (Builder, Hook, ...) when
	// the plugin serves another kind of component.
	ErrWrongKind = errors.New("plugin: plugin serves another kind of component")

	// ErrCallsAbandoned is returned by Serve when calls were still running
	// ServeConfig.ExitTimeout after their contexts were cancelled.
	ErrCallsAbandoned = errors.New("plugin: calls still running at exit")

	// errListen wraps the failures to listen other than ErrNoPort.
	errListen = errors.New("plugin: listen")

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

	// ErrInvalidConfig wraps every validation failure of a ClientConfig or
	// ServeConfig.
	ErrInvalidConfig = errors.New("plugin: invalid config")
)

func init() {
	// Host and plugin both import this package, so both know the code.
	if err := objrpc.RegisterError("plugin.unknown_component", ErrUnknownComponent); err != nil {
		panic(err) // a programming error: the code is fixed
	}
}

// HandshakeError reports a handshake line that the host could not accept:
// malformed, or announcing a protocol version the host does not speak.
type HandshakeError struct {
	Line string // the line as the plugin printed it, without the newline
	Err  error  // what is wrong with it
}

// Error quotes the line and says what is wrong with it.
func (e *HandshakeError) Error() string {
	return fmt.Sprintf("bad handshake line %q: %v", e.Line, e.Err)
}

// Unwrap returns e.Err.
func (e *HandshakeError) Unwrap() error { return e.Err }

// VersionError describes a protocol version mismatch and which side should be
// upgraded. It wraps ErrIncompatibleVersion. Start returns it (in its error
// chain) when the plugin refused every version the host offered, or
// announced one the host did not offer.
type VersionError struct {
	Host   []int // versions the host speaks
	Plugin int   // version the plugin announced: its newest, when it refused

	// Tail holds the last lines the plugin wrote to stderr (and to stdout
	// after its handshake line), oldest first, without newlines: a plugin
	// that refuses says why there before it exits.
	Tail []string
}

// Error says which versions each side speaks, which side to upgrade, and
// what the plugin printed last.
func (e *VersionError) Error() string {
	var b strings.Builder
	if slices.Contains(e.Host, e.Plugin) { // the plugin refused although it announced a version we speak
		fmt.Fprintf(&b, "plugin refused every protocol version the host offered (%s), announcing %d",
			joinInts(e.Host), e.Plugin)
	} else {
		side := "the plugin"
		if e.Plugin > slices.Max(append([]int{0}, e.Host...)) {
			side = "the host (muxplug)"
		}
		fmt.Fprintf(&b, "plugin speaks protocol %d, host speaks %s: upgrade %s", e.Plugin, joinInts(e.Host), side)
	}
	if len(e.Tail) > 0 {
		fmt.Fprintf(&b, "; last output: %q", strings.Join(e.Tail, "\n"))
	}
	return b.String()
}

// Unwrap returns ErrIncompatibleVersion.
func (e *VersionError) Unwrap() error { return ErrIncompatibleVersion }

// ExitError reports that a plugin process has exited. Calls that fail because
// the process died return an error from which errors.As recovers an
// *ExitError; Start returns one when the plugin exits before its handshake.
type ExitError struct {
	Name string // the plugin's name (ClientConfig.Name)
	Pid  int

	// Code is the exit status, or -1 when the process was killed by a signal.
	Code int
	// Signal is the signal that killed the process, or 0.
	Signal syscall.Signal

	// Tail holds the last lines the plugin wrote to stderr (and to stdout after
	// its handshake), oldest first, without newlines.
	Tail []string

	// Err is the failure that revealed the exit (a broken connection, a
	// failed handshake) or nil.
	Err error
}

func newExitError(name string, ps *os.ProcessState, tail []string, err error) *ExitError {
	e := &ExitError{Name: name, Code: -1, Tail: tail, Err: err}
	if ps == nil {
		return e
	}
	e.Pid = ps.Pid()
	e.Code = ps.ExitCode()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		e.Signal = ws.Signal()
	}
	return e
}

// Error gives the plugin, how it ended, the failure that revealed it and
// its last output lines.
func (e *ExitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plugin %s (pid %d) ", e.Name, e.Pid)
	if e.Signal != 0 {
		fmt.Fprintf(&b, "killed by signal %v", e.Signal)
	} else {
		fmt.Fprintf(&b, "exited with code %d", e.Code)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if len(e.Tail) > 0 {
		fmt.Fprintf(&b, "; last output: %q", strings.Join(e.Tail, "\n"))
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *ExitError) Unwrap() error { return e.Err }

func joinInts(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ",")
}
