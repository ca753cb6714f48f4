package mux

import (
	"fmt"
	"log/slog"
	"time"
)

// Defaults applied by Client and Server to the zero fields of a Config.
const (
	// DefaultStreamWindow is the default Config.StreamWindow. Measured on
	// loopback with 1 MiB writes, yamux's 256 KiB window stalls the sender
	// once per window and halves bulk throughput; 16 MiB keeps one stream
	// close to raw TCP. The window bounds how much a stream whose reader is
	// slow can buffer, so it is also the worst-case memory of such a stream.
	DefaultStreamWindow uint32 = 16 << 20

	// MinStreamWindow is the smallest accepted Config.StreamWindow; the
	// yamux protocol starts every stream with a window of this size.
	MinStreamWindow uint32 = 256 << 10

	// DefaultKeepAliveInterval is the default Config.KeepAliveInterval.
	DefaultKeepAliveInterval = 30 * time.Second

	// DefaultConnectionWriteTimeout is the default
	// Config.ConnectionWriteTimeout. See the field for why it is long.
	DefaultConnectionWriteTimeout = 5 * time.Minute

	// DefaultAcceptBacklog is the default Config.AcceptBacklog.
	DefaultAcceptBacklog = 256

	// DefaultStreamOpenTimeout is the default Config.StreamOpenTimeout.
	DefaultStreamOpenTimeout = 75 * time.Second

	// DefaultBrokerTimeout is the default Config.BrokerTimeout.
	DefaultBrokerTimeout = 30 * time.Second
)

// shortWriteTimeout is the value a negative Config.ConnectionWriteTimeout
// selects: hashicorp/yamux's default.
const shortWriteTimeout = 10 * time.Second

// Config tunes a session. The zero value works: Client and Server copy the
// Config, replace every zero field by its documented default and validate
// the result; they never modify the caller's Config.
type Config struct {
	// StreamWindow is the largest receive window of a stream, in bytes:
	// how far a writer may run ahead of its reader. Zero means DefaultStreamWindow (16 MiB); values below
	// MinStreamWindow (256 KiB) are an error.
	StreamWindow uint32

	// KeepAliveInterval is how often the session pings its peer to detect a
	// dead connection. Zero means DefaultKeepAliveInterval (30s); a negative
	// value disables keepalives.
	KeepAliveInterval time.Duration

	// ConnectionWriteTimeout bounds how long a frame may wait to be written
	// to the connection, and how long a keepalive ping may wait for its
	// answer, before the session gives up and ends (a write that cannot
	// finish in time may have left part of a frame on the connection).
	// Behind a saturated connection a write queues behind others:
	// hashicorp/yamux's 10s default killed multi-gigabyte transfers whose
	// peer window was full. Zero therefore means
	// DefaultConnectionWriteTimeout (5 minutes), long enough for any
	// healthy local transfer while still catching a wedged peer. A negative
	// value selects hashicorp/yamux's 10s default, the shortest sensible
	// value.
	// Because a keepalive waits this long for its answer, a peer that
	// stops answering without closing the connection is detected after
	// KeepAliveInterval plus ConnectionWriteTimeout.
	ConnectionWriteTimeout time.Duration

	// AcceptBacklog is how many opened streams may wait for the broker's
	// accept loop, and how many of this side's opens may wait for the
	// peer's acknowledgement before Dial blocks. Zero means
	// DefaultAcceptBacklog (256); negative is an error.
	AcceptBacklog int

	// StreamOpenTimeout is how long an opened stream may wait for the
	// peer's acknowledgement (counted from its SYN, which leaves with its
	// first write) before the session declares the connection dead and
	// ends. It does not delay Dial, which never waits for the
	// acknowledgement. Zero means DefaultStreamOpenTimeout (75s); a
	// negative value disables the check.
	StreamOpenTimeout time.Duration

	// BrokerTimeout is how long an incoming stream waits for a matching
	// Accept before it is rejected and closed, and how long Accept waits
	// for the peer to dial when its context has no earlier deadline. Zero
	// means DefaultBrokerTimeout (30s); negative is an error.
	BrokerTimeout time.Duration

	// Logger receives the session's and the broker's log lines, which are
	// never written to os.Stderr. Nil means slog.Default().
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
		cfg.ConnectionWriteTimeout = shortWriteTimeout
	}
	if cfg.AcceptBacklog == 0 {
		cfg.AcceptBacklog = DefaultAcceptBacklog
	}
	if cfg.StreamOpenTimeout == 0 {
		cfg.StreamOpenTimeout = DefaultStreamOpenTimeout
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
