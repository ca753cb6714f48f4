package plugin

import (
	"context"
	"fmt"
	"net"
	"os"
)

// DebugEnv is the variable that puts a plugin started by hand (without
// the magic cookie) in debug mode: "1" (or any value but "0" and "unix")
// to listen on 127.0.0.1, "unix" for a unix socket in a private
// directory. A plugin that a host launched ignores it.
const DebugEnv = "MUXPLUG_DEBUG"

// debugMode returns the network debug mode asks for, or "" when DebugEnv
// is unset, empty or "0".
func debugMode(getenv func(string) string) string {
	switch v := getenv(DebugEnv); v {
	case "", "0":
		return ""
	case "unix":
		return "unix"
	default:
		return "tcp"
	}
}

// serveDebug is debug mode: s was started by hand (under a debugger,
// say) with DebugEnv set. It listens, prints the reattach line (see
// ReattachConfig) on sc.Stdout and then serves the hosts that attach with
// it, one after the other: when one host's session ends, whether it
// closed it or asked the plugin to exit, the plugin waits for the next.
// It returns only when ctx ends (SIGINT or SIGTERM in Run), or when it
// cannot listen again.
func (s *Set) serveDebug(ctx context.Context, sc *ServeConfig, network string, announceAfter <-chan struct{}) error {
	secret, hexSecret, err := newSecret()
	if err != nil {
		return err
	}
	ln, relisten, cleanup, err := debugListen(network)
	if err != nil {
		return err
	}
	defer cleanup()
	r := &ReattachConfig{Protocol: ProtocolVersion, Network: network, Addr: ln.Addr().String(),
		Pid: os.Getpid(), Secret: hexSecret, Kinds: s.defaultKinds()}
	if err := waitClosed(ctx, announceAfter); err != nil {
		ln.Close()
		return err
	}
	if _, err := fmt.Fprintln(sc.Stdout, r.Line()); err != nil {
		ln.Close()
		return fmt.Errorf("plugin: print reattach line: %w", err)
	}
	sc.Logger.Info("plugin: debug mode: serving the hosts that attach with the reattach line on stdout",
		"pid", r.Pid, "network", r.Network, "addr", r.Addr)
	for {
		conn, err := acceptHost(ctx, ln, secret, sc.AuthTimeout) // closes ln
		if err != nil {
			return err
		}
		sc.Logger.Info("plugin: debug mode: a host attached")
		err = serveConn(ctx, sc, conn, s)
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		sc.Logger.Info("plugin: debug mode: the host detached; waiting for the next", "err", err)
		if ln, err = relisten(r.Addr); err != nil {
			return err
		}
	}
}

// debugListen opens debug mode's listener. relisten opens it again at the
// same address once acceptHost has closed it; cleanup removes what
// debugListen created.
func debugListen(network string) (ln net.Listener, relisten func(string) (net.Listener, error), cleanup func(), err error) {
	cleanup = func() {}
	if network == "tcp" {
		ln, err = listenTCP(DefaultMinPort, DefaultMaxPort)
		relisten = func(addr string) (net.Listener, error) {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return nil, fmt.Errorf("%w: listen again: %w", errListen, err)
			}
			return ln, nil
		}
		return ln, relisten, cleanup, err
	}
	dir, err := privateDir()
	if err != nil {
		return nil, nil, cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	relisten = func(string) (net.Listener, error) { return listenUnix(dir) }
	if ln, err = listenUnix(dir); err != nil {
		cleanup()
		return nil, nil, func() {}, err
	}
	return ln, relisten, cleanup, nil
}
