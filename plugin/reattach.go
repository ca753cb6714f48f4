package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// ReattachEnv is the variable a host may read the reattach line's
// configuration from (see ReattachFromEnv); the line a plugin prints in
// debug mode is an assignment to it.
const ReattachEnv = "MUXPLUG_REATTACH"

// ReattachConfig says how to reach a plugin that is already running: one
// started by hand in debug mode (see DebugEnv), which prints it as its
// reattach line,
//
//	MUXPLUG_REATTACH='{"protocol":1,"network":"tcp","addr":"127.0.0.1:14807","pid":4242,"secret":"…","kinds":["builder"]}'
//
// A Client whose ClientConfig.Reattach is set connects to it instead of
// starting a process, and its Kill ends the session without signalling
// the process. The JSON field names are part of the protocol.
type ReattachConfig struct {
	Protocol int      `json:"protocol"`        // the protocol version; 0 means 1
	Network  string   `json:"network"`         // "tcp" or "unix"
	Addr     string   `json:"addr"`            // host:port or the socket's path
	Pid      int      `json:"pid"`             // the plugin's process id, for Stats and errors
	Secret   string   `json:"secret"`          // the secret, hex encoded, as in the launch variables
	Kinds    []string `json:"kinds,omitempty"` // the kinds of its default components, as the handshake's kinds extension
}

// Line returns r as the plugin prints it: ReattachEnv, "=", and r's JSON
// in single quotes, a line a POSIX shell takes as an assignment. It does
// not block.
func (r *ReattachConfig) Line() string {
	out, _ := json.Marshal(r) // cannot fail: strings, ints and a slice
	return ReattachEnv + "='" + string(out) + "'"
}

// ParseReattach parses a reattach configuration: its JSON, or the whole
// reattach line (the JSON after "MUXPLUG_REATTACH=", in single quotes or
// not). It checks the fields as ClientConfig does and does not block.
func ParseReattach(s string) (*ReattachConfig, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "export ")
	s = strings.TrimPrefix(s, ReattachEnv+"=")
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		s = s[1 : len(s)-1]
	}
	var r ReattachConfig
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return nil, fmt.Errorf("%w: reattach configuration %q: %w", ErrInvalidConfig, clip(s, 200), err)
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReattachFromEnv returns the configuration in the environment variable
// ReattachEnv (parsed as ParseReattach does), or nil and no error if it is
// unset or empty. It does not block and is safe for concurrent use.
func ReattachFromEnv() (*ReattachConfig, error) {
	v := os.Getenv(ReattachEnv)
	if v == "" {
		return nil, nil
	}
	return ParseReattach(v)
}

// validate checks r's fields.
func (r *ReattachConfig) validate() error {
	hs, _, err := r.handshake()
	if err != nil {
		return err
	}
	if _, err := parseFields(hs.String()); err != nil {
		return fmt.Errorf("%w: reattach: %w", ErrInvalidConfig, err)
	}
	return nil
}

// handshake returns what r says, as a launched plugin's handshake line and
// secret would say it.
func (r *ReattachConfig) handshake() (handshake, []byte, error) {
	hs := handshake{Version: max(r.Protocol, 1), Network: r.Network, Addr: r.Addr, Kinds: r.Kinds}
	if r.Protocol < 0 {
		return hs, nil, fmt.Errorf("%w: reattach: protocol %d", ErrInvalidConfig, r.Protocol)
	}
	secret, err := decodeSecret(r.Secret)
	if err != nil {
		return hs, nil, fmt.Errorf("%w: reattach: %w", ErrInvalidConfig, err)
	}
	return hs, secret, nil
}

// attach is Start for a reattached client: it connects to the running
// plugin r names and authenticates with its secret.
func (c *Client) attach(ctx context.Context, r *ReattachConfig) (string, error) {
	hs, secret, err := r.handshake()
	if err != nil {
		return "", c.startError(err)
	}
	if !slices.Contains(c.versions, hs.Version) {
		return "", c.startError(&VersionError{Host: c.versions, Plugin: hs.Version})
	}
	c.mu.Lock()
	c.since = time.Now()
	c.mu.Unlock()
	if err := c.open(ctx, hs, secret); err != nil {
		return "", c.startError(err)
	}
	return hs.Addr, nil
}

// reattached reports whether c connects to a running plugin instead of
// starting one.
func (c *Client) reattached() bool { return c.cfg != nil && c.cfg.Reattach != nil }

// detach is Kill for a reattached client: it ends the session, which
// leaves the plugin, in debug mode, waiting for its next host. It never
// signals the process.
func (c *Client) detach() {
	c.mu.Lock()
	b, rc := c.broker, c.conn
	c.mu.Unlock()
	if b != nil {
		b.Close()
	}
	if rc != nil {
		rc.Close()
	}
}

// sessionEnded reports whether a reattached client's session is over (or
// never began and never will).
func (c *Client) sessionEnded() bool {
	c.mu.Lock()
	b := c.broker
	c.mu.Unlock()
	var done <-chan struct{} = c.killed
	if b != nil {
		done = b.Done()
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// alive returns nil if c's plugin can take calls, and otherwise why not:
// its process exited (an *ExitError), or its session ended.
func (c *Client) alive() error {
	c.mu.Lock()
	p, b := c.proc, c.broker
	c.mu.Unlock()
	if p != nil {
		select {
		case <-p.exited:
			return p.exitError(nil)
		default:
			return nil
		}
	}
	if b != nil {
		select {
		case <-b.Done():
			return fmt.Errorf("plugin: %s: session ended: %w", c.cfg.Name, b.Err())
		default:
		}
	}
	return nil
}
