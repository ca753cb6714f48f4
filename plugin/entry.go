package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/muxplug/muxplug/packer"
)

// Exit codes of a plugin process that uses the Serve* functions.
const (
	// ExitOK: the host closed the connection or asked the plugin to exit,
	// or the plugin received SIGTERM.
	ExitOK = 0
	// ExitNotPlugin: the process was not started by a plugin host (the
	// magic cookie is missing); a short explanation went to stderr.
	ExitNotPlugin = 1
	// ExitBadEnvironment: the launch variables were unusable, or host and
	// plugin share no protocol version.
	ExitBadEnvironment = 2
	// ExitListen: the plugin could not listen (no free port in the range,
	// or the socket directory was unusable).
	ExitListen = 3
	// ExitNoHost: the host went away or did not connect in time.
	ExitNoHost = 4
	// ExitServeFailed: serving failed for any other reason.
	ExitServeFailed = 5
	// ExitCallsAbandoned: the plugin was to stop, but calls were still
	// running ServeConfig.ExitTimeout after their contexts were cancelled
	// (they are logged); the process exits without waiting for them.
	ExitCallsAbandoned = 6
)

// notPluginMessage is what a plugin binary started by hand prints.
const notPluginMessage = `This binary is a plugin. These are not meant to be executed directly.
Please execute the program that consumes these plugins, which will
load any plugins automatically.
`

// ServeBuilder serves a builder from a plugin: it serves builder to the
// host that launched this process until the host is done with it, then
// exits the process with one of the Exit* codes (printing the error, if
// any, to stderr). It never returns. It ignores SIGINT and treats SIGTERM
// as a graceful stop; see Serve for the rest.
func ServeBuilder(builder packer.Builder) { serveMain(builder) }

// ServeCommand serves a command from a plugin and exits the process, like
// ServeBuilder.
func ServeCommand(command packer.Command) { serveMain(command) }

// ServeHook serves a hook from a plugin and exits the process, like
// ServeBuilder.
func ServeHook(hook packer.Hook) { serveMain(hook) }

// ServePostProcessor serves a post-processor from a plugin and exits the
// process, like ServeBuilder.
func ServePostProcessor(p packer.PostProcessor) { serveMain(p) }

// ServeProvisioner serves a provisioner from a plugin and exits the
// process, like ServeBuilder.
func ServeProvisioner(p packer.Provisioner) { serveMain(p) }

// serveMain is the body of the Serve* functions: component is served as
// a set of one (see Set.Run), so that the binary answers describe and
// knows debug mode too.
func serveMain(component interface{}) {
	s, err := singleSet(component)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(ExitServeFailed)
	}
	s.runMain(os.Args[1:])
}

// serveAndExit serves s and exits the process, the only place that does.
// It ignores SIGINT (the host, which shares the terminal, drives
// cancellation) unless the plugin runs in debug mode, started by hand,
// treats SIGTERM as a graceful stop, runs Serve with the default
// ServeConfig and exits with one of the Exit* codes, printing the error (if
// any) to stderr.
func (s *Set) serveAndExit() {
	sig := handleSignals(debugMode(os.Getenv) != "" && os.Getenv(MagicCookieKey) != MagicCookieValue)
	err := s.serve(sig.ctx, nil, sig.installed)
	code := exitCode(err, sig.stop())
	switch {
	case code == ExitNotPlugin:
		fmt.Fprint(os.Stderr, notPluginMessage)
	case err != nil && code != ExitOK:
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// signals is the signal handling of a plugin process: SIGINT is ignored
// (or, with interrupt set, handled like SIGTERM) and SIGTERM cancels ctx. Its goroutine installs it while the process goes
// on starting (installing it costs the young process a thread), and closes
// installed once it is in place; Serve waits for that before it announces
// itself, so a host never sees a plugin without it.
type signals struct {
	interrupt bool
	ctx       context.Context
	cancel    context.CancelFunc
	installed chan struct{}
	done      chan struct{} // closed when the goroutine returns
}

func handleSignals(interrupt bool) *signals {
	ctx, cancel := context.WithCancel(context.Background())
	s := &signals{interrupt: interrupt, ctx: ctx, cancel: cancel, installed: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *signals) run() {
	defer close(s.done)
	term := make(chan os.Signal, 1)
	if s.interrupt {
		signal.Notify(term, syscall.SIGTERM, os.Interrupt)
	} else {
		signal.Ignore(os.Interrupt)
		signal.Notify(term, syscall.SIGTERM)
	}
	defer signal.Stop(term)
	close(s.installed)
	select {
	case <-term:
		s.cancel()
	case <-s.ctx.Done():
	}
}

// stop ends the handling of SIGTERM and reports whether SIGTERM had
// arrived. SIGINT stays ignored.
func (s *signals) stop() (stopped bool) {
	stopped = s.ctx.Err() != nil
	s.cancel()
	<-s.done
	return stopped
}

// exitCode maps Serve's result to an exit code; stopped reports that
// SIGTERM ended the serving.
func exitCode(err error, stopped bool) int {
	switch {
	case errors.Is(err, ErrCallsAbandoned):
		return ExitCallsAbandoned
	case err == nil || stopped:
		return ExitOK
	case errors.Is(err, ErrNotPlugin):
		return ExitNotPlugin
	case errors.Is(err, ErrBadEnvironment), errors.Is(err, ErrIncompatibleVersion):
		return ExitBadEnvironment
	case errors.Is(err, ErrNoPort), errors.Is(err, errListen):
		return ExitListen
	case errors.Is(err, ErrHostGone), errors.Is(err, ErrConnectTimeout):
		return ExitNoHost
	default:
		return ExitServeFailed
	}
}
