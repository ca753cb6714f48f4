package mux

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hashicorp/yamux"
)

// Defaults applied by Client and Server to the zero fields of a Config.
// Only the window moves a benchmark (bench/); the others are yamux's own
// defaults, except the write timeout.
const (
	// DefaultStreamWindow is the default Config.StreamWindow. Moving
	// 64 MiB in 1 MiB writes to a child process (bench/:
	// BenchmarkStreamWindow), yamux's own 256 KiB window stalls the sender
	// and reaches ~0.7x of what 4 MiB does, 1 MiB ~0.85x; 16 MiB is no
	// faster than 4 MiB. The window is also the most a stream whose
	// reader is slow may buffer.
	DefaultStreamWindow uint32 = 4 << 20

	// MinStreamWindow is the smallest accepted Config.StreamWindow; yamux
	// starts every stream with a window of this size.
	MinStreamWindow uint32 = 256 << 10

	DefaultKeepAliveInterval      = 30 * time.Second // Config.KeepAliveInterval's
	DefaultConnectionWriteTimeout = 5 * time.Minute  // Config.ConnectionWriteTimeout's; see there
	DefaultAcceptBacklog          = 256              // Config.AcceptBacklog's
	DefaultStreamOpenTimeout      = 75 * time.Second // Config.StreamOpenTimeout's
	DefaultStreamCloseTimeout     = 5 * time.Minute  // Config.StreamCloseTimeout's
	DefaultBrokerTimeout          = 30 * time.Second // Config.BrokerTimeout's
)

// noLimit is what a negative timeout stands for: no limit.
const noLimit = time.Duration(1 << 62)

// Config tunes a session: the hashicorp/yamux session under the broker,
// and the broker. The zero value works: Client and Server copy the Config,
// replace every zero field by its documented default and validate the
// result; they never modify the caller's Config. As everywhere in muxplug,
// a zero field means its default, and a negative duration turns its limit
// or check off. Both ends should use the same values, although the
// protocol does not require it.
type Config struct {
	// StreamWindow is the largest receive window of a stream, in bytes
	// (yamux's MaxStreamWindowSize): how far a writer may run ahead of its
	// reader. Zero means DefaultStreamWindow (4 MiB); values below
	// MinStreamWindow (256 KiB) are an error.
	StreamWindow uint32

	// KeepAliveInterval is how often the session pings its peer to detect a
	// dead connection. Zero means DefaultKeepAliveInterval (30s); a negative
	// value disables keepalives.
	KeepAliveInterval time.Duration

	// ConnectionWriteTimeout bounds how long a frame may wait to be written
	// to the connection (a stream Write that runs out of it fails), and how
	// long a keepalive ping may wait for its answer (the session then ends
	// with ErrKeepAliveTimeout). Behind a saturated connection a frame
	// queues behind others: yamux's 10s default failed multi-gigabyte
	// transfers to a busy peer. Zero therefore means
	// DefaultConnectionWriteTimeout (5 minutes); negative means no limit
	// (a wedged peer is then never detected). A peer that stops answering
	// without closing the connection is detected after KeepAliveInterval
	// plus this.
	ConnectionWriteTimeout time.Duration

	// AcceptBacklog is how many streams the peer opened may wait for the
	// broker (yamux resets the peer's further opens), and how many of this
	// side's opens may await the peer's acknowledgement before Dial
	// blocks. Zero means DefaultAcceptBacklog (256); negative is an error.
	AcceptBacklog int

	// StreamOpenTimeout is how long an opened stream may wait for the
	// peer's acknowledgement before yamux declares the connection dead and
	// ends the session; Dial does not wait for it. Zero means
	// DefaultStreamOpenTimeout (75s); a negative value disables the check.
	StreamOpenTimeout time.Duration

	// StreamCloseTimeout is how long a stream closed on this side waits for
	// the peer to close its side before yamux forgets and resets it. Zero
	// means DefaultStreamCloseTimeout (5 minutes); negative waits forever.
	StreamCloseTimeout time.Duration

	// BrokerTimeout is how long an incoming stream waits for a matching
	// Accept before it is rejected and closed, and how long Accept waits
	// for the peer to dial when its context has no earlier deadline. Zero
	// means DefaultBrokerTimeout (30s); negative means no limit (a stream
	// nobody accepts then waits for as long as the session lasts).
	BrokerTimeout time.Duration

	// Logger receives the broker's log lines and yamux's, which are never
	// written to os.Stderr by this package. Nil means slog.Default().
	Logger *slog.Logger
}

// orDefault returns v, or def if v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// withDefaults returns a copy of c (nil allowed) with every zero field
// replaced by its default, or an error wrapping ErrBadConfig.
func (c *Config) withDefaults() (Config, error) {
	var cfg Config
	if c != nil {
		cfg = *c
	}
	cfg.StreamWindow = orDefault(cfg.StreamWindow, DefaultStreamWindow)
	cfg.KeepAliveInterval = orDefault(cfg.KeepAliveInterval, DefaultKeepAliveInterval)
	cfg.ConnectionWriteTimeout = orDefault(cfg.ConnectionWriteTimeout, DefaultConnectionWriteTimeout)
	if cfg.ConnectionWriteTimeout < 0 {
		cfg.ConnectionWriteTimeout = noLimit
	}
	cfg.AcceptBacklog = orDefault(cfg.AcceptBacklog, DefaultAcceptBacklog)
	cfg.StreamOpenTimeout = orDefault(cfg.StreamOpenTimeout, DefaultStreamOpenTimeout)
	cfg.StreamCloseTimeout = orDefault(cfg.StreamCloseTimeout, DefaultStreamCloseTimeout)
	cfg.BrokerTimeout = orDefault(cfg.BrokerTimeout, DefaultBrokerTimeout)
	if cfg.BrokerTimeout < 0 {
		cfg.BrokerTimeout = noLimit
	}
	cfg.Logger = orDefault(cfg.Logger, slog.Default())
	switch {
	case cfg.StreamWindow < MinStreamWindow:
		return cfg, fmt.Errorf("%w: StreamWindow %d is below the minimum %d", ErrBadConfig, cfg.StreamWindow, MinStreamWindow)
	case cfg.AcceptBacklog < 0:
		return cfg, fmt.Errorf("%w: AcceptBacklog %d is negative", ErrBadConfig, cfg.AcceptBacklog)
	}
	return cfg, nil
}

// yamuxConfig translates a defaulted, valid Config for yamux; ending
// reports whether the session is being closed.
func (c *Config) yamuxConfig(ending func() bool) *yamux.Config {
	yc := &yamux.Config{
		AcceptBacklog:          c.AcceptBacklog,
		EnableKeepAlive:        c.KeepAliveInterval > 0,
		KeepAliveInterval:      c.KeepAliveInterval,
		ConnectionWriteTimeout: c.ConnectionWriteTimeout,
		MaxStreamWindowSize:    c.StreamWindow,
		StreamOpenTimeout:      max(c.StreamOpenTimeout, 0),
		StreamCloseTimeout:     max(c.StreamCloseTimeout, 0),
		Logger:                 yamuxLogger{c.Logger, ending},
	}
	if !yc.EnableKeepAlive {
		yc.KeepAliveInterval = DefaultKeepAliveInterval // unused, but yamux wants it positive
	}
	return yc
}

// yamuxLogger passes yamux's log lines to a slog.Logger (it implements
// yamux.Logger, whose only caller is Printf). yamux starts each line with
// "[ERR] " or "[WARN] ", which becomes the record's level, except that
// once the session is being closed (ending), when yamux complains of every
// write it can no longer make, lines are logged at LevelDebug.
type yamuxLogger struct {
	l      *slog.Logger
	ending func() bool
}

func (y yamuxLogger) Print(v ...interface{})   { y.Printf("%s", fmt.Sprint(v...)) }
func (y yamuxLogger) Println(v ...interface{}) { y.Printf("%s", fmt.Sprint(v...)) }

func (y yamuxLogger) Printf(format string, v ...interface{}) {
	level, msg := parseYamuxLine(fmt.Sprintf(format, v...))
	if y.ending() {
		level = slog.LevelDebug
	}
	y.l.Log(context.Background(), level, msg, "component", "yamux")
}

// parseYamuxLine splits a yamux log line into a level and a message; a
// line without a known prefix is logged at LevelInfo.
func parseYamuxLine(line string) (slog.Level, string) {
	line = strings.TrimRight(line, "\n")
	if rest, ok := strings.CutPrefix(line, "[ERR] "); ok {
		return slog.LevelError, rest
	}
	if rest, ok := strings.CutPrefix(line, "[WARN] "); ok {
		return slog.LevelWarn, rest
	}
	return slog.LevelInfo, line
}
