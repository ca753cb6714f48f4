package mux

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/yamux"
)

// Defaults applied by Client and Server to the zero fields of a Config.
const (
	// DefaultStreamWindow is the default Config.StreamWindow. Moving
	// 64 MiB in 1 MiB writes to a child process (bench/:
	// BenchmarkStreamWindow), yamux's own 256 KiB window stalls the sender
	// and reaches ~0.7x of what 4 MiB does; 1 MiB ~0.85x; 16 MiB is no
	// faster than 4 MiB. The window bounds how much a stream whose reader
	// is slow can buffer, so it is also the worst-case memory of such a
	// stream.
	DefaultStreamWindow uint32 = 4 << 20

	// MinStreamWindow is the smallest accepted Config.StreamWindow; yamux
	// starts every stream with a window of this size.
	MinStreamWindow uint32 = 256 << 10

	// DefaultKeepAliveInterval is the default Config.KeepAliveInterval,
	// yamux's own. A keepalive costs one ping frame each way per interval,
	// which no benchmark can see; between local processes a dead peer is
	// usually noticed sooner, when its connection closes.
	DefaultKeepAliveInterval = 30 * time.Second

	// DefaultConnectionWriteTimeout is the default
	// Config.ConnectionWriteTimeout. See the field for why it is long.
	DefaultConnectionWriteTimeout = 5 * time.Minute

	// DefaultAcceptBacklog is the default Config.AcceptBacklog, yamux's
	// own: far more opens than a plugin has in flight at once.
	DefaultAcceptBacklog = 256

	// DefaultStreamOpenTimeout is the default Config.StreamOpenTimeout,
	// yamux's own.
	DefaultStreamOpenTimeout = 75 * time.Second

	// DefaultStreamCloseTimeout is the default Config.StreamCloseTimeout,
	// yamux's own.
	DefaultStreamCloseTimeout = 5 * time.Minute

	// DefaultBrokerTimeout is the default Config.BrokerTimeout.
	DefaultBrokerTimeout = 30 * time.Second
)

// yamuxWriteTimeout is yamux's own default connection write timeout, the
// value a negative Config.ConnectionWriteTimeout selects.
const yamuxWriteTimeout = 10 * time.Second

// Config tunes a session: the hashicorp/yamux session under the broker, and
// the broker itself. The zero value works: Client and Server copy the
// Config, replace every zero field by its documented default and validate
// the result; they never modify the caller's Config. Both ends of a
// connection should use the same values, although the protocol does not
// require it.
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
	// to the connection, and how long a keepalive ping may wait for its
	// answer. A stream Write that runs out of it fails; an unanswered ping
	// ends the session with ErrKeepAliveTimeout. A frame may carry a whole
	// write of up to StreamWindow bytes, and behind a saturated connection
	// it queues behind others: yamux's 10s default failed multi-gigabyte
	// transfers to a busy peer. Zero therefore means
	// DefaultConnectionWriteTimeout (5 minutes), long enough for any
	// healthy local transfer while still catching a wedged peer. A negative
	// value selects yamux's own 10s default, the shortest sensible value.
	// Because a keepalive waits this long for its answer, a peer that
	// stops answering without closing the connection is detected after
	// KeepAliveInterval plus ConnectionWriteTimeout.
	ConnectionWriteTimeout time.Duration

	// AcceptBacklog is how many streams the peer opened may wait for the
	// broker to take them (the peer's further opens are reset), and how
	// many of this side's opens may await the peer's acknowledgement
	// before Dial blocks. Zero means DefaultAcceptBacklog (256); negative
	// is an error.
	AcceptBacklog int

	// StreamOpenTimeout is how long an opened stream may wait for the
	// peer's acknowledgement before yamux declares the connection dead and
	// closes the session. It does not delay Dial, which never waits for the
	// acknowledgement. Zero means DefaultStreamOpenTimeout (75s); a
	// negative value disables the check.
	StreamOpenTimeout time.Duration

	// StreamCloseTimeout is how long a stream closed on this side waits for
	// the peer to close its side too before yamux forgets the stream and
	// resets it. Zero means DefaultStreamCloseTimeout (5 minutes); a
	// negative value waits forever.
	StreamCloseTimeout time.Duration

	// BrokerTimeout is how long an incoming stream waits for a matching
	// Accept before it is rejected and closed, and how long Accept waits
	// for the peer to dial when its context has no earlier deadline. Zero
	// means DefaultBrokerTimeout (30s); negative is an error.
	BrokerTimeout time.Duration

	// Logger receives the broker's log lines and yamux's, which are never
	// written to os.Stderr by this package. Nil means slog.Default().
	Logger *slog.Logger
}

// withDefaults returns a copy of c (nil allowed) with every zero field
// replaced by its default, or an error wrapping ErrBadConfig.
func (c *Config) withDefaults() (Config, error) {
	var cfg Config
	if c != nil {
		cfg = *c
	}
	if cfg.StreamWindow == 0 {
		cfg.StreamWindow = DefaultStreamWindow
	}
	if cfg.KeepAliveInterval == 0 {
		cfg.KeepAliveInterval = DefaultKeepAliveInterval
	}
	switch {
	case cfg.ConnectionWriteTimeout == 0:
		cfg.ConnectionWriteTimeout = DefaultConnectionWriteTimeout
	case cfg.ConnectionWriteTimeout < 0:
		cfg.ConnectionWriteTimeout = yamuxWriteTimeout
	}
	if cfg.AcceptBacklog == 0 {
		cfg.AcceptBacklog = DefaultAcceptBacklog
	}
	if cfg.StreamOpenTimeout == 0 {
		cfg.StreamOpenTimeout = DefaultStreamOpenTimeout
	}
	if cfg.StreamCloseTimeout == 0 {
		cfg.StreamCloseTimeout = DefaultStreamCloseTimeout
	}
	if cfg.BrokerTimeout == 0 {
		cfg.BrokerTimeout = DefaultBrokerTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, cfg.validate()
}

// validate reports the first invalid field of a defaulted Config.
func (c *Config) validate() error {
	switch {
	case c.StreamWindow < MinStreamWindow:
		return fmt.Errorf("%w: StreamWindow %d is below the minimum %d", ErrBadConfig, c.StreamWindow, MinStreamWindow)
	case c.AcceptBacklog < 0:
		return fmt.Errorf("%w: AcceptBacklog %d is negative", ErrBadConfig, c.AcceptBacklog)
	case c.BrokerTimeout < 0:
		return fmt.Errorf("%w: BrokerTimeout %v is negative", ErrBadConfig, c.BrokerTimeout)
	}
	return nil
}

// yamuxConfig translates a defaulted, valid Config for yamux.
func (c *Config) yamuxConfig() *yamux.Config {
	yc := &yamux.Config{
		AcceptBacklog:          c.AcceptBacklog,
		EnableKeepAlive:        c.KeepAliveInterval > 0,
		KeepAliveInterval:      c.KeepAliveInterval,
		ConnectionWriteTimeout: c.ConnectionWriteTimeout,
		MaxStreamWindowSize:    c.StreamWindow,
		StreamOpenTimeout:      max(c.StreamOpenTimeout, 0),
		StreamCloseTimeout:     max(c.StreamCloseTimeout, 0),
		Logger:                 yamuxLogger{c.Logger},
	}
	if !yc.EnableKeepAlive {
		yc.KeepAliveInterval = DefaultKeepAliveInterval // unused, but yamux wants it positive
	}
	return yc
}
