package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote"
)

// Defaults of ServeConfig fields.
const (
	DefaultConnectTimeout = time.Minute
	DefaultAuthTimeout    = 2 * time.Second
	DefaultExitTimeout    = time.Second
)

// exitLinger is how long a plugin asked to exit (Control.Exit) waits for
// the host to close the connection before closing it itself.
const exitLinger = 500 * time.Millisecond

// ServeConfig tunes Serve. The zero value (or a nil *ServeConfig) serves a
// plugin launched by a host, reading the launch variables from the
// environment and printing the handshake line on os.Stdout. A zero field
// means its default, and a negative timeout means no limit.
type ServeConfig struct {
	// Logger receives the plugin's diagnostics. Nil means slog.Default(),
	// whose output reaches the host through stderr.
	Logger *slog.Logger

	// Mux tunes the connection's multiplexer. Nil means the zero
	// mux.Config.
	Mux *mux.Config

	// ConnectTimeout bounds the wait for the host to connect after the
	// handshake line. Zero means DefaultConnectTimeout (1 minute);
	// negative means no limit.
	ConnectTimeout time.Duration

	// AuthTimeout bounds how long a connection may take to send its
	// authentication preface before it is dropped. Zero means
	// DefaultAuthTimeout (2s); negative means no limit.
	AuthTimeout time.Duration

	// Getenv reads the launch variables (and DebugEnv, for a plugin
	// started without them). Nil means os.Getenv, in which case
	// Serve also removes the secret from the process environment once read,
	// so that the plugin's own children do not inherit it.
	Getenv func(string) string

	// Stdout receives the handshake line. Nil means os.Stdout.
	Stdout io.Writer

	// Stdin is watched for EOF until the host connects, if the host says
	// (PACKER_PLUGIN_STDIN_LIFELINE=1) that it holds the write end of a pipe
	// it never writes: EOF then means the host is gone. Nil means os.Stdin.
	// The watching goroutine reads (and discards) Stdin until EOF or an
	// error, possibly after Serve has returned, so a plugin launched that
	// way must not read its stdin itself.
	Stdin io.Reader

	// ExitTimeout bounds how long Serve, once it is to return (the host
	// asked the plugin to exit or went away, or ctx ended), waits for the
	// calls still running, whose contexts it has cancelled. Calls still
	// running after it are logged and abandoned, and Serve returns an
	// error wrapping ErrCallsAbandoned. Zero means DefaultExitTimeout
	// (1s), which leaves the plugin time to exit on its own within the
	// host's default KillTimeout; negative means no limit.
	ExitTimeout time.Duration

	// LogCalls, if set, logs every call the plugin serves and makes, with
	// its method, duration and error, to Logger at slog.LevelDebug. Off
	// (the default), it costs nothing measurable.
	LogCalls bool
}

func (c *ServeConfig) withDefaults() ServeConfig {
	var sc ServeConfig
	if c != nil {
		sc = *c
	}
	sc.Logger = orDefault(sc.Logger, slog.Default())
	sc.ConnectTimeout = limit(sc.ConnectTimeout, DefaultConnectTimeout)
	sc.AuthTimeout = limit(sc.AuthTimeout, DefaultAuthTimeout)
	sc.ExitTimeout = limit(sc.ExitTimeout, DefaultExitTimeout)
	if sc.Getenv == nil {
		sc.Getenv = func(k string) string {
			v := os.Getenv(k)
			if k == envSecret {
				os.Unsetenv(k)
			}
			return v
		}
	}
	if sc.Stdout == nil {
		sc.Stdout = os.Stdout
	}
	if sc.Stdin == nil {
		sc.Stdin = os.Stdin
	}
	var mc mux.Config
	if sc.Mux != nil {
		mc = *sc.Mux
	}
	mc.Logger = orDefault(mc.Logger, sc.Logger)
	sc.Mux = &mc
	return sc
}

// launchEnv is what the host told the plugin through the environment.
type launchEnv struct {
	minPort, maxPort uint
	versions         []int
	network          string
	secret           []byte
	unixDir          string
	lifeline         bool // stdin is the host's lifeline pipe
}

func readLaunchEnv(getenv func(string) string) (launchEnv, error) {
	var e launchEnv
	if getenv(MagicCookieKey) != MagicCookieValue {
		return e, ErrNotPlugin
	}
	var err error
	if e.secret, err = decodeSecret(getenv(envSecret)); err != nil {
		return e, err
	}
	if e.versions, err = parseVersionList(getenv(envVersions)); err != nil {
		return e, fmt.Errorf("%w: %s: %w", ErrBadEnvironment, envVersions, err)
	}
	e.network = orDefault(getenv(envNetwork), "tcp")
	e.unixDir = getenv(envUnixDir)
	e.lifeline = getenv(envLifeline) == "1"
	if e.network != "tcp" && e.network != "unix" {
		return e, fmt.Errorf("%w: %s=%q", ErrBadEnvironment, envNetwork, e.network)
	}
	if e.network == "tcp" {
		e.minPort, err = parsePort(getenv, envMinPort)
		if err == nil {
			e.maxPort, err = parsePort(getenv, envMaxPort)
		}
	}
	return e, err
}

func parsePort(getenv func(string) string, key string) (uint, error) {
	n, err := strconv.ParseUint(getenv(key), 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%w: %s=%q", ErrBadEnvironment, key, getenv(key))
	}
	return uint(n), nil
}

// Serve serves component (a packer.Builder, packer.Command, packer.Hook,
// packer.PostProcessor or packer.Provisioner) to the host that launched
// this process, following protocol version 1 (see docs/protocol.md): it
// listens, prints the handshake line, accepts the one authenticated
// connection and serves the component and the control service on it.
//
// Serve blocks until the host closes the connection or asks the plugin to
// exit (it then returns nil), or until ctx ends (it returns ctx's cause).
// It returns ErrNotPlugin at once if the process was not launched by a host
// (unless the debug variable asks for debug mode: see serveDebug and the
// package doc), and otherwise an error wrapping ErrBadEnvironment, ErrIncompatibleVersion,
// ErrNoPort, ErrHostGone, ErrConnectTimeout or the failure. It never exits
// the process and does not touch signal handling; the Serve* functions do.
func Serve(ctx context.Context, component interface{}, cfg *ServeConfig) error {
	return serve(ctx, component, cfg, nil)
}

// serve is Serve; announceAfter, if not nil, delays the handshake line
// until it is closed (or ctx ends): serveMain's signal handling is
// installed meanwhile.
func serve(ctx context.Context, component interface{}, cfg *ServeConfig, announceAfter <-chan struct{}) error {
	s, err := singleSet(component)
	if err != nil {
		return err
	}
	return s.serve(ctx, cfg, announceAfter)
}

// serve serves the set to the host that launched this process (see
// Serve), or, in debug mode, to the hosts that attach (see serveDebug).
func (s *Set) serve(ctx context.Context, cfg *ServeConfig, announceAfter <-chan struct{}) error {
	if s.empty() {
		return fmt.Errorf("%w: the set has no components", ErrInvalidConfig)
	}
	sc := cfg.withDefaults()
	env, err := readLaunchEnv(sc.Getenv)
	if errors.Is(err, ErrNotPlugin) && debugMode(sc.Getenv) != "" {
		return s.serveDebug(ctx, &sc, debugMode(sc.Getenv), announceAfter)
	}
	if err != nil {
		return err
	}
	conn, err := announceAndAccept(ctx, &sc, env, s.defaultKinds(), announceAfter)
	if err != nil {
		return err
	}
	return serveConn(ctx, &sc, conn, s)
}

// announceAndAccept listens, prints the handshake line (announcing kinds)
// and waits for the host's authenticated connection.
func announceAndAccept(ctx context.Context, sc *ServeConfig, env launchEnv, kinds []string, announceAfter <-chan struct{}) (net.Conn, error) {
	version, ok := chooseVersion(env.versions, supportedVersions)
	if !ok { // announce our version anyway, so that the host can say who should upgrade
		fmt.Fprintln(sc.Stdout, handshake{Version: version, Network: env.network, Addr: "-"})
		return nil, fmt.Errorf("%w: host speaks %s, plugin speaks %s",
			ErrIncompatibleVersion, joinInts(env.versions), joinInts(supportedVersions))
	}
	ln, cleanup, err := env.listen()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	hs := handshake{Version: version, Network: env.network, Addr: ln.Addr().String(), Kinds: kinds}
	if err := waitClosed(ctx, announceAfter); err != nil {
		ln.Close()
		return nil, err
	}
	if _, err := fmt.Fprintln(sc.Stdout, hs); err != nil {
		ln.Close()
		return nil, fmt.Errorf("plugin: print handshake: %w", err)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, sc.ConnectTimeout, ErrConnectTimeout)
	defer cancel()
	var hostGone <-chan struct{} // nil: never
	if env.lifeline {
		hostGone = watchStdin(sc.Stdin)
	}
	ctx, cancelGone := context.WithCancelCause(ctx)
	defer cancelGone(nil)
	go func() {
		select {
		case <-hostGone:
			cancelGone(ErrHostGone)
		case <-ctx.Done():
		}
	}()
	return acceptHost(ctx, ln, env.secret, sc.AuthTimeout)
}

// waitClosed waits until ch (if not nil) is closed or ctx ends, and returns
// ctx's cause in the latter case.
func waitClosed(ctx context.Context, ch <-chan struct{}) error {
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// listen opens the listener the host asked for. cleanup removes the socket
// directory the plugin had to create itself.
func (e launchEnv) listen() (ln net.Listener, cleanup func(), err error) {
	cleanup = func() {}
	if e.network == "tcp" {
		ln, err = listenTCP(e.minPort, e.maxPort)
		return ln, cleanup, err
	}
	dir := e.unixDir
	if dir == "" {
		if dir, err = privateDir(); err != nil {
			return nil, cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	ln, err = listenUnix(dir)
	if err != nil {
		cleanup()
	}
	return ln, cleanup, err
}

// watchStdin returns a channel closed when r reaches EOF or fails.
func watchStdin(r io.Reader) <-chan struct{} {
	gone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, r)
		close(gone)
	}()
	return gone
}

// serveConn serves the control service and the component on conn until
// the connection ends, the host asks the plugin to exit, or ctx ends; then
// it ends the calls still running (see ServeConfig.ExitTimeout).
func serveConn(ctx context.Context, sc *ServeConfig, conn net.Conn, s *Set) error {
	b, err := mux.Server(conn, sc.Mux)
	if err != nil {
		conn.Close()
		return fmt.Errorf("plugin: open session: %w", err)
	}
	defer b.Close()
	rc, ctl, err := newRuntime(b, sc, s)
	if err != nil {
		return err
	}
	select {
	case <-b.Done():
	case <-ctl.exit:
		lingerForClose(b)
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	return firstErr(err, shutdown(rc, sc))
}

// shutdown cancels the calls still running on rc and waits for them at
// most sc.ExitTimeout.
func shutdown(rc *remote.Conn, sc *ServeConfig) error {
	ctx, cancel := context.WithTimeout(context.Background(), sc.ExitTimeout)
	defer cancel()
	if err := rc.Shutdown(ctx); err != nil {
		running := rc.Running()
		sc.Logger.Warn("plugin: exiting with calls still running; their contexts were cancelled",
			"after", sc.ExitTimeout, "calls", fmt.Sprint(running))
		return fmt.Errorf("%w: %d after %v: %v", ErrCallsAbandoned, len(running), sc.ExitTimeout, running)
	}
	return nil
}

// lingerForClose gives the host exitLinger to close the connection after
// an Exit call, so that the Exit reply reaches it.
func lingerForClose(b *mux.Broker) {
	t := time.NewTimer(exitLinger)
	defer t.Stop()
	select {
	case <-b.Done():
	case <-t.C:
	}
}

// newRuntime starts the connection's runtime with the control service and
// the set's default components on the plugin's main object.
func newRuntime(b *mux.Broker, sc *ServeConfig, s *Set) (*remote.Conn, *controlService, error) {
	services, err := s.mainServices()
	if err != nil {
		return nil, nil, fmt.Errorf("plugin: serve: %w", err)
	}
	ctl := newControlService(s.defaultKinds())
	ctl.set = s
	services[controlName] = ctl
	opts := &objrpc.Options{Logger: sc.Logger, Services: services, LogCalls: sc.LogCalls}
	rc, err := remote.NewConn(b, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("plugin: serve: %w", err)
	}
	return rc, ctl, nil
}

// firstErr returns the first of errs that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
