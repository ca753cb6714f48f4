package plugin

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
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
// ReattachConfig) on sc.Stdout and then serves every host that attaches
// with it, each in a session of its own with fresh default components,
// several at once if they come together. A session ends as a launched
// plugin's does (the host closes it or asks the plugin to exit), and the
// plugin goes on listening. It returns ctx's cause once ctx ends (SIGINT
// or SIGTERM in Run), after the sessions have ended.
func (s *Set) serveDebug(ctx context.Context, sc *ServeConfig, network string, announceAfter <-chan struct{}) error {
	secret, hexSecret, err := newSecret()
	if err != nil {
		return err
	}
	ln, cleanup, err := debugListen(network)
	if err != nil {
		return err
	}
	defer cleanup()
	defer ln.Close()
	r := &ReattachConfig{Protocol: ProtocolVersion, Network: network, Addr: ln.Addr().String(),
		Pid: os.Getpid(), Secret: hexSecret, Kinds: s.defaultKinds()}
	if err := waitClosed(ctx, announceAfter); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(sc.Stdout, r.Line()); err != nil {
		return fmt.Errorf("plugin: print reattach line: %w", err)
	}
	sc.Logger.Info("plugin: debug mode: serving the hosts that attach with the reattach line on stdout",
		"pid", r.Pid, "network", r.Network, "addr", r.Addr)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var sessions sync.WaitGroup
	defer sessions.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("plugin: accept: %w", err)
		}
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			s.serveAttached(ctx, sc, conn, secret)
		}()
	}
}

// serveAttached authenticates one host of debug mode and serves it.
func (s *Set) serveAttached(ctx context.Context, sc *ServeConfig, conn net.Conn, secret []byte) {
	if err := checkAuth(conn, secret, sc.AuthTimeout); err != nil {
		conn.Close()
		sc.Logger.Warn("plugin: debug mode: dropped a connection", "err", err)
		return
	}
	sc.Logger.Info("plugin: debug mode: a host attached")
	err := serveConn(ctx, sc, conn, s)
	sc.Logger.Info("plugin: debug mode: a host detached", "err", err)
}

// debugListen opens debug mode's listener; cleanup removes what it
// created.
func debugListen(network string) (ln net.Listener, cleanup func(), err error) {
	cleanup = func() {}
	if network == "tcp" {
		ln, err = listenTCP(DefaultMinPort, DefaultMaxPort)
		return ln, cleanup, err
	}
	dir, err := privateDir()
	if err != nil {
		return nil, cleanup, err
	}
	if ln, err = listenUnix(dir); err != nil {
		os.RemoveAll(dir)
		return nil, cleanup, err
	}
	return ln, func() { os.RemoveAll(dir) }, nil
}
