package plugin

import (
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// Defaults of ClientConfig fields.
const (
	DefaultMinPort      = 10000
	DefaultMaxPort      = 25000
	DefaultStartTimeout = time.Minute
	DefaultKillTimeout  = 2 * time.Second
	DefaultOutputStall  = 5 * time.Second
)

// ClientConfig is the configuration used to initialize a new plugin client.
// NewClient copies it: changing the ClientConfig afterwards has no effect,
// and NewClient never writes to it. The zero value of every field except Cmd
// selects the documented default, and a negative timeout means no limit.
// (The *exec.Cmd is not copied: the Client takes it over, see Cmd.)
type ClientConfig struct {
	// Cmd is the unstarted subprocess for starting the plugin. The Client
	// takes it over: Start appends the launch variables to Cmd.Env (or to
	// the host's environment when Cmd.Env is nil), sets Cmd.Stdout and
	// Cmd.Stderr to pipes (both must be nil), and sets Cmd.Stdin to a pipe
	// the host never writes when it is nil, so that the plugin notices the
	// host dying before it connected. For a Cmd made by exec.CommandContext,
	// Cancel becomes "send SIGTERM" and a zero WaitDelay becomes
	// KillTimeout, so cancelling that context stops the plugin gracefully,
	// then forcibly. The caller must not touch Cmd after calling Start.
	Cmd *exec.Cmd

	// Managed represents if the client should be managed by the plugin
	// package or not. If true, then by calling CleanupClients, it will
	// automatically be cleaned up. Otherwise, the client user is fully
	// responsible for making sure to Kill all plugin clients. By default the
	// client is _not_ managed.
	Managed bool

	// MinPort and MaxPort bound the TCP ports the plugin may listen on
	// (inclusive). If not set, they default to 10,000 and 25,000.
	MinPort, MaxPort uint

	// StartTimeout bounds Start: launching the plugin, reading its
	// handshake line, connecting and authenticating. Zero means
	// DefaultStartTimeout (1 minute); negative means no limit.
	StartTimeout time.Duration

	// Stderr, if non-nil, receives the plugin's stderr, and its stdout after
	// the handshake line, line by line, each line ending in "\n" (as well as
	// the log). Writes are serialized, on one goroutine that also logs the
	// lines. No line is lost to a burst: up to 1 MiB of output waits for
	// the writer and the logger, and beyond that the plugin waits too (its
	// writes block once its pipes are full), as it would on a slow
	// terminal. See OutputStall for a writer that stops.
	Stderr io.Writer

	// OutputStall is how long the writer of the plugin's output (Stderr
	// and the Logger's handler) may take no line before the plugin stops
	// waiting for it: lines that find the queue full are then dropped,
	// counted, and reported by a note on Stderr and a warning in the log
	// once the writer moves again. It moves again, and lines are waited
	// for again, as soon as it takes a line. Zero means DefaultOutputStall
	// (5s); negative means never drop (a stuck writer then holds the
	// plugin up until Kill).
	OutputStall time.Duration

	// Name identifies the plugin in log records and errors. Empty means the
	// base name of Cmd.Path.
	Name string

	// Logger receives the plugin's output lines (level Info, with
	// attributes "plugin" and "stream") and the Client's own diagnostics.
	// Nil means slog.Default().
	Logger *slog.Logger

	// KillTimeout is the grace period of Kill: how long the plugin gets to
	// exit after being asked to, before it is killed. It also bounds how
	// long Kill waits for the output relay to finish after the process
	// exited. Zero means DefaultKillTimeout (2s); negative means no limit
	// (Kill then waits for as long as the plugin takes to exit).
	KillTimeout time.Duration

	// Network is how the host reaches the plugin: "tcp" (the default when
	// empty) for 127.0.0.1 at a port in MinPort..MaxPort, or "unix" for a
	// unix socket with 0600 permissions inside a fresh 0700 temporary
	// directory, removed by Kill.
	Network string

	// Mux tunes the connection's multiplexer. Nil means the zero
	// mux.Config, whose fields all have working defaults. The Config is
	// copied by Start. Its KeepAliveInterval and ConnectionWriteTimeout
	// bound how long a plugin that stops answering (hung, or stopped
	// with SIGSTOP) goes unnoticed: calls then fail with ErrUnresponsive.
	Mux *mux.Config

	// Reattach, if set, makes Start connect to a plugin that is already
	// running (one started by hand in debug mode; see ReattachConfig)
	// instead of starting a process; Cmd must then be nil, and MinPort,
	// MaxPort and Network do not apply. Kill ends the session and never
	// signals the process. The config is copied.
	Reattach *ReattachConfig

	// SecureConfig, if set, makes Start check the checksum of Cmd's
	// binary before it runs it; see SecureConfig for what that does and
	// does not protect against.
	SecureConfig *SecureConfig

	// LogCalls, if set, logs every call the host makes to the plugin and
	// every call it serves for it, with its method, duration and error,
	// to Logger at slog.LevelDebug. Off (the default), it costs nothing
	// measurable.
	LogCalls bool
}

// withDefaults returns a copy of c with defaults filled in, or an error
// wrapping ErrInvalidConfig.
func (c *ClientConfig) withDefaults() (*ClientConfig, error) {
	switch {
	case c == nil || c.Cmd == nil && c.Reattach == nil:
		return nil, fmt.Errorf("%w: Cmd is nil", ErrInvalidConfig)
	case c.Cmd != nil && c.Reattach != nil:
		return nil, fmt.Errorf("%w: both Cmd and Reattach are set", ErrInvalidConfig)
	case c.Reattach != nil && c.SecureConfig != nil:
		return nil, fmt.Errorf("%w: SecureConfig checks a binary to run, and Reattach runs none", ErrInvalidConfig)
	}
	cfg := *c
	cfg.MinPort = orDefault(cfg.MinPort, DefaultMinPort)
	cfg.MaxPort = orDefault(cfg.MaxPort, DefaultMaxPort)
	cfg.StartTimeout = limit(cfg.StartTimeout, DefaultStartTimeout)
	cfg.KillTimeout = limit(cfg.KillTimeout, DefaultKillTimeout)
	cfg.OutputStall = limit(cfg.OutputStall, DefaultOutputStall)
	cfg.Network = orDefault(cfg.Network, "tcp")
	cfg.SecureConfig = cfg.SecureConfig.clone()
	if cfg.Reattach != nil {
		r := *cfg.Reattach
		r.Kinds = slices.Clone(r.Kinds)
		cfg.Reattach = &r
		cfg.Name = orDefault(cfg.Name, fmt.Sprintf("pid %d", r.Pid))
	} else {
		cfg.Name = orDefault(cfg.Name, filepath.Base(cfg.Cmd.Path))
	}
	cfg.Logger = orDefault(cfg.Logger, slog.Default())
	var mc mux.Config
	if c.Mux != nil {
		mc = *c.Mux
	}
	mc.Logger = orDefault(mc.Logger, cfg.Logger.With("plugin", cfg.Name))
	cfg.Mux = &mc
	return &cfg, cfg.validate()
}

func (c *ClientConfig) validate() error {
	switch {
	case c.Reattach != nil:
		return c.Reattach.validate()
	case c.SecureConfig != nil:
		if err := c.SecureConfig.validate(); err != nil {
			return err
		}
	}
	switch {
	case c.MinPort > c.MaxPort || c.MaxPort > 65535:
		return fmt.Errorf("%w: port range %d-%d", ErrInvalidConfig, c.MinPort, c.MaxPort)
	case c.Network != "tcp" && c.Network != "unix":
		return fmt.Errorf("%w: network %q, want \"tcp\" or \"unix\"", ErrInvalidConfig, c.Network)
	}
	return nil
}

// noLimit is what a negative timeout stands for.
const noLimit = time.Duration(1 << 62)

// limit returns the timeout d stands for: def for zero, no limit for a
// negative value. Every timeout of the package follows that rule.
func limit(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return noLimit
	}
	return d
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
