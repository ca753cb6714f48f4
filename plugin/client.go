package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote"
	"github.com/muxplug/muxplug/plugin/internal/wire"
)

// crashWait bounds how long a failed call waits for the plugin process to
// exit (and its output to drain) before it reports the failure, so that the
// error can carry the exit status and the last output lines.
const crashWait = 750 * time.Millisecond

// Client handles the lifecycle of a plugin application, determining its RPC
// address, and returning various types of packer interface implementations
// across the multi-process communication layer.
//
// A Client is safe for concurrent use. It runs one plugin process, once:
// after Kill, or after Start failed, it cannot be started again.
type Client struct {
	cfg      *ClientConfig // defaults filled in; nil when cfgErr != nil
	cfgErr   error
	versions []int // protocol versions the host offers

	startMu  sync.Mutex // serializes Start; guards started, addr, startErr
	started  bool
	addr     string
	startErr error

	mu        sync.Mutex // guards the fields below
	proc      *process
	broker    *mux.Broker
	conn      *remote.Conn // the connection's runtime
	unixDir   string
	kinds     []string                // what the plugin serves: from its handshake line or Control.Info
	since     time.Time               // when the process started, or the client attached
	interrupt context.CancelCauseFunc // ends a Start in progress; set while it runs

	wg       sync.WaitGroup // the monitor goroutine
	killOnce sync.Once
	killed   chan struct{} // closed once Kill has begun
}

// NewClient creates a new plugin client which manages the lifecycle of an
// external plugin and gets the address for the RPC connection. It does not
// start the plugin. The config is copied, never modified; an invalid config
// is reported by Start.
//
// The client must be cleaned up at some point by calling Kill. If the
// config has Managed set, CleanupClients kills it too.
func NewClient(config *ClientConfig) *Client {
	c := &Client{versions: supportedVersions, killed: make(chan struct{})}
	c.cfg, c.cfgErr = config.withDefaults()
	if c.cfgErr == nil && c.cfg.Managed {
		manage(c)
	}
	return c
}

// Start starts the underlying subprocess, reads its handshake line,
// connects and authenticates, and returns the address it connected to
// (host:port for tcp, the socket path for unix). It blocks for at most
// StartTimeout, or until Kill.
//
// Start is safe to call multiple times and concurrently: later calls wait
// for the first and return its result. Once a client has been started
// once, it cannot be started again, even if it was killed. A failed Start
// leaves no process behind.
func (c *Client) Start() (address string, err error) {
	return c.startBetween(nil)
}

// startBetween is Start; between, if not nil, runs between the handshake
// and the dial (tests stand there).
func (c *Client) startBetween(between func(handshake)) (string, error) {
	c.startMu.Lock()
	defer c.startMu.Unlock()
	if c.started {
		return c.addr, c.startErr
	}
	c.started = true
	if c.cfgErr != nil {
		c.startErr = c.cfgErr
		return "", c.startErr
	}
	c.addr, c.startErr = c.start(between)
	if c.startErr != nil {
		c.abort()
	}
	return c.addr, c.startErr
}

// start runs the steps of Start; see startBetween.
func (c *Client) start(between func(handshake)) (string, error) {
	ctx, interrupt := context.WithCancelCause(context.Background())
	defer interrupt(nil)
	c.mu.Lock()
	c.interrupt = interrupt
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.interrupt = nil
		c.mu.Unlock()
	}()
	select {
	case <-c.killed:
		return "", ErrKilled
	default:
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.StartTimeout, ErrStartTimeout)
	defer cancel()
	if r := c.cfg.Reattach; r != nil {
		return c.attach(ctx, r)
	}
	if err := c.cfg.SecureConfig.verify(c.cfg.Cmd); err != nil {
		return "", c.startError(err)
	}
	env, secret, err := c.launchEnv()
	if err != nil {
		return "", err
	}
	p, err := startProcess(c.cfg.Cmd, env, c.cfg)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.proc, c.since = p, time.Now()
	c.mu.Unlock()
	hs, err := c.awaitHandshake(ctx, p)
	if err != nil {
		return "", c.startError(err)
	}
	if between != nil {
		between(hs)
	}
	if err := c.open(ctx, hs, secret); err != nil {
		return "", c.startError(err)
	}
	c.wg.Add(1)
	go c.monitor(p)
	return hs.Addr, nil
}

// open connects to the plugin hs names, authenticates with secret and
// learns which kinds it serves.
func (c *Client) open(ctx context.Context, hs handshake, secret []byte) error {
	ac, err := c.connect(ctx, hs, secret)
	if err == nil {
		err = c.identify(ctx, hs, ac)
	}
	if err != nil && ac != nil { // a refused secret explains any failure after the preface
		if aerr := awaitAck(ctx, ac); errors.Is(aerr, ErrAuth) {
			err = aerr
		}
	}
	return err
}

func (c *Client) startError(err error) error {
	return fmt.Errorf("plugin: start %s: %w", c.cfg.Name, err)
}

// launchEnv returns the variables that tell the plugin how to start, and
// the secret it will expect.
func (c *Client) launchEnv() (env []string, secret []byte, err error) {
	secret, hexSecret, err := newSecret()
	if err != nil {
		return nil, nil, err
	}
	env = []string{
		MagicCookieKey + "=" + MagicCookieValue,
		envMinPort + "=" + strconv.FormatUint(uint64(c.cfg.MinPort), 10),
		envMaxPort + "=" + strconv.FormatUint(uint64(c.cfg.MaxPort), 10),
		envVersions + "=" + joinInts(c.versions),
		envNetwork + "=" + c.cfg.Network,
		envSecret + "=" + hexSecret,
	}
	if c.cfg.Network == "unix" {
		dir, err := privateDir()
		if err != nil {
			return nil, nil, err
		}
		c.mu.Lock()
		c.unixDir = dir
		c.mu.Unlock()
		env = append(env, envUnixDir+"="+dir)
	}
	return env, secret, nil
}

// awaitHandshake waits for the handshake line, the process's exit, or ctx.
func (c *Client) awaitHandshake(ctx context.Context, p *process) (handshake, error) {
	var r handshakeResult
	select {
	case r = <-p.handshake:
		if r.err == io.EOF { // stdout closed: the process is probably exiting
			return handshake{}, c.earlyExit(ctx, p)
		}
	case <-p.exited:
		return handshake{}, c.earlyExit(ctx, p)
	case <-ctx.Done():
		return handshake{}, c.noHandshake(ctx, p)
	}
	if r.err != nil {
		return handshake{}, r.err
	}
	if err := c.checkAnnounced(ctx, p, r.hs); err != nil {
		return handshake{}, err
	}
	return r.hs, nil
}

// earlyExit reports a plugin that exited (or closed its stdout) without a
// usable handshake. A handshake line printed just before exiting (as a
// plugin that speaks none of our versions does) takes precedence.
func (c *Client) earlyExit(ctx context.Context, p *process) error {
	select {
	case <-p.drained:
	case <-ctx.Done():
		return c.noHandshake(ctx, p)
	}
	select {
	case r := <-p.handshake:
		if r.err == nil {
			if err := c.checkAnnounced(ctx, p, r.hs); err != nil {
				return err
			}
		} else if r.err != io.EOF {
			return r.err
		}
	default:
	}
	return p.exitError(fmt.Errorf("no handshake line (%s)", p.seen(false)))
}

func (c *Client) noHandshake(ctx context.Context, p *process) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, ErrStartTimeout) {
		return fmt.Errorf("%w: no handshake line within %v: saw %s", ErrStartTimeout, c.cfg.StartTimeout, p.seen(true))
	}
	return cause
}

// connect dials the announced address, sends the authentication preface,
// opens the multiplexed session and its runtime, and the stream to the
// plugin's main object. It does not wait for the plugin: the
// acknowledgement is read by the session's reader (see ackConn). Once the
// session is open, connect returns its ackConn even with an error.
func (c *Client) connect(ctx context.Context, hs handshake, secret []byte) (*ackConn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, hs.Network, hs.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s %s: %w", hs.Network, hs.Addr, err)
	}
	if err := writePreface(conn, secret); err != nil {
		conn.Close()
		return nil, err
	}
	ac := newAckConn(conn)
	b, err := mux.Client(ac, c.cfg.Mux)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("open session: %w", err)
	}
	c.mu.Lock()
	c.broker = b
	c.mu.Unlock()
	rc, err := remote.NewConn(b, &objrpc.Options{Logger: c.cfg.Logger, WrapTransportError: c.wrapTransport, LogCalls: c.cfg.LogCalls})
	if err != nil {
		return ac, fmt.Errorf("open session: %w", err)
	}
	c.mu.Lock()
	c.conn = rc
	c.mu.Unlock()
	if err := rc.DialMain(ctx); err != nil {
		return ac, fmt.Errorf("open main stream: %w", err)
	}
	return ac, nil
}

// identify learns which kinds of component the plugin serves and makes
// sure that it accepted our secret. A plugin that announced its kinds in
// its handshake line costs no call: identify only waits for the
// acknowledgement, which the plugin sends before it sets up its session.
// Otherwise it asks Control.Info.
func (c *Client) identify(ctx context.Context, hs handshake, ac *ackConn) error {
	if hs.Kinds == nil {
		return c.hello(ctx)
	}
	if err := awaitAck(ctx, ac); err != nil {
		return err
	}
	c.mu.Lock()
	c.kinds = hs.Kinds
	c.mu.Unlock()
	return nil
}

// hello calls Control.Info, the first call on the main stream, which
// proves that the plugin accepted our secret and tells which kinds of
// component it serves.
func (c *Client) hello(ctx context.Context) error {
	var info wire.Info
	c.mu.Lock()
	rc := c.conn
	c.mu.Unlock()
	if err := callControl(ctx, rc, "Info", &info); err != nil {
		return err
	}
	c.mu.Lock()
	c.kinds = info.Kinds
	c.mu.Unlock()
	return nil
}

// monitor closes the session as soon as the process exits, so that calls in
// flight fail at once. It returns when either the process exits or Kill
// begins.
func (c *Client) monitor(p *process) {
	defer c.wg.Done()
	select {
	case <-p.exited:
		c.mu.Lock()
		b := c.broker
		c.mu.Unlock()
		b.Close()
	case <-c.killed:
	}
}

// abort undoes a failed start: no process, session or socket survives it.
func (c *Client) abort() {
	c.mu.Lock()
	p, b, rc, dir := c.proc, c.broker, c.conn, c.unixDir
	c.mu.Unlock()
	if b != nil {
		b.Close()
	}
	if rc != nil {
		rc.Close()
	}
	if p != nil {
		p.kill()
		<-p.exited // bounded: SIGKILL cannot be ignored
		<-p.drained
	}
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// Exited reports whether the plugin process has exited (or will never run:
// the client was killed or failed to start); for a reattached client,
// whether its session has ended. It does not block and is safe for
// concurrent use.
func (c *Client) Exited() bool {
	c.mu.Lock()
	p := c.proc
	c.mu.Unlock()
	if p == nil && c.reattached() {
		return c.sessionEnded()
	}
	if p == nil {
		select {
		case <-c.killed:
			return true
		default:
			return false
		}
	}
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// wrapTransport is remote.Options.WrapTransportError: a call failed because
// the connection broke. If the process is dying, it waits (at most
// crashWait) for its exit status and last output and returns an *ExitError
// wrapping err; otherwise it returns err.
func (c *Client) wrapTransport(err error) error {
	if errors.Is(err, mux.ErrKeepAliveTimeout) {
		return c.unresponsive(err)
	}
	c.mu.Lock()
	p := c.proc
	c.mu.Unlock()
	if p == nil {
		return err
	}
	t := time.NewTimer(crashWait)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
		return err
	}
	select {
	case <-p.drained:
	case <-t.C:
	}
	return p.exitError(err)
}
