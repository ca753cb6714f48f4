package objrpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// DefaultDataTimeout is the default Options.DataTimeout.
const DefaultDataTimeout = 30 * time.Second

// Options tunes a Conn. A nil *Options and the zero value both mean the
// defaults, and a negative timeout means no limit; NewConn copies the
// Options.
type Options struct {
	// Logger receives the stacks of recovered panics, failures of calls
	// that cannot return an error (see Proxy.LogFailure) and protocol
	// problems. Nil means slog.Default().
	Logger *slog.Logger

	// WrapTransportError, if set, is applied to every transport failure
	// (a broken stream or session, an unexpected end of stream; never an
	// error the remote method returned) before it is returned or logged.
	// The error it receives wraps ErrTransport. It may be called from any
	// goroutine and may block briefly (package plugin waits for a dying
	// plugin's exit status to attach it).
	WrapTransportError func(error) error

	// Services are the services of this side's main object, by name (see
	// Register): they are in place before the peer's first call can
	// arrive. Register adds others later.
	Services map[string]interface{}

	// LogCalls, if set, logs every call this side makes and every call it
	// serves, at slog.LevelDebug, with its method, duration and error.
	// Off, it costs nothing measurable.
	LogCalls bool

	// DataTimeout bounds how long a byte stream whose call succeeded
	// waits for the peer to dial it (see DataStream.Finish); only a
	// broken peer makes it wait at all. Zero means DefaultDataTimeout
	// (30s); negative means no limit.
	DataTimeout time.Duration
}

// Conn is the RPC runtime of one connection: it serves this side's
// objects on the streams of a mux.Broker, keeps the table of them by id,
// numbers this side's cancellable calls, and makes the proxies of the
// peer's objects. Id 0 of each side is its main object: the services
// added with Register, and the runtime's own service "Runtime".
//
// One goroutine accepts the streams the peer dials; each dialed object
// then has one goroutine waiting for its next request, and an object
// nobody has dialed costs no goroutine. A Conn does not own its Broker:
// closing the Conn ends what it serves, closing the Broker ends the Conn.
// A Conn is safe for concurrent use.
type Conn struct {
	b        *mux.Broker
	log      *slog.Logger
	wrap     func(error) error
	dataTTL  time.Duration
	logCalls bool

	life    context.Context // the session: ends with Shutdown or the broker
	end     context.CancelCauseFunc
	l       *mux.Listener
	callIDs atomic.Uint64 // the last id of this side's cancellable calls
	calling atomic.Int64  // calls this side is making now

	oneWayFails atomic.Int64 // one-way calls the peer reported failed
	oneWayLost  atomic.Int64 // one-way calls a broken stream left unconfirmed
	callee      callTable    // the peer's running cancellable calls
	main        *object      // id 0
	peer        *link        // the peer's id 0
	wg          sync.WaitGroup

	runMu   sync.Mutex         // guards running
	running map[*Call]struct{} // served calls that have not returned

	mu       sync.Mutex // guards the fields below
	objects  map[uint32]*object
	services map[string]*service // the main object's
	closed   bool
	releases []releaseTicket // proxies whose objects the peer may drop
	freeing  bool            // the release goroutine runs
}

// NewConn returns the runtime of b's connection and starts its accept
// goroutine. opts may be nil. It fails if b is done, if another Listener
// or Accept already takes b's id 0, or if a service in opts.Services
// cannot be registered.
func NewConn(b *mux.Broker, opts *Options) (*Conn, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &Conn{b: b, log: o.Logger, wrap: o.WrapTransportError, dataTTL: o.DataTimeout, logCalls: o.LogCalls,
		l: b.Listen(), objects: make(map[uint32]*object), services: make(map[string]*service),
		running: make(map[*Call]struct{})}
	if c.log == nil {
		c.log = slog.Default()
	}
	switch {
	case c.dataTTL == 0:
		c.dataTTL = DefaultDataTimeout
	case c.dataTTL < 0:
		c.dataTTL = 1 << 62 // no limit
	}
	for name, rcvr := range o.Services {
		if err := c.Register(name, rcvr); err != nil {
			return nil, err
		}
	}
	c.life, c.end = context.WithCancelCause(context.Background())
	c.peer = &link{c: c, id: 0, fixed: true}
	c.main = newObject(c, 0, nil, nil, c.life, nil)
	c.main.find = c.findMain
	c.objects[0] = c.main
	if err := c.l.Add(0); err != nil {
		c.end(err)
		c.l.Close()
		return nil, fmt.Errorf("objrpc: serve the main object: %w", err)
	}
	c.wg.Add(1)
	go c.acceptLoop()
	return c, nil
}

// Broker returns the broker c runs on.
func (c *Conn) Broker() *mux.Broker { return c.b }

// Logger returns the logger of c's Options.
func (c *Conn) Logger() *slog.Logger { return c.log }

// Done returns a channel closed once c has ended: after Shutdown or Close,
// or when its broker is done.
func (c *Conn) Done() <-chan struct{} { return c.life.Done() }

// Register adds rcvr's methods (see Kind for their form) to this side's
// main object under the service name name. It fails if name is taken or
// reserved ("Runtime"), or if rcvr has no served method. A service
// registered after NewConn is served from then on: a call that arrives
// earlier is refused, so give the services the peer calls first in
// Options.Services.
func (c *Conn) Register(name string, rcvr interface{}) error {
	if name == runtimeService || name == "" {
		return fmt.Errorf("objrpc: register %T: service name %q is reserved", rcvr, name)
	}
	svc, err := newService(name, rcvr)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.services[name] != nil {
		return fmt.Errorf("objrpc: register %T: service %s already defined", rcvr, name)
	}
	c.services[name] = svc
	return nil
}

func (c *Conn) findMain(name string) *service {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.services[name]
}

// Main returns a proxy of the service svc of the peer's main object. All
// such proxies share one stream, opened on first use (or by DialMain).
func (c *Conn) Main(svc string) *Proxy {
	return &Proxy{c: c, svc: svc, link: c.peer}
}

// DialMain opens the stream to the peer's main object now, and announces
// it to the peer, instead of on the first call. It does not wait for the
// peer. ctx bounds only the opening.
func (c *Conn) DialMain(ctx context.Context) error {
	_, err := c.peer.dial(ctx, true)
	return err
}

// acceptLoop hands every stream the peer dials to the object it names,
// until c or its broker ends. Its goroutine is counted in c.wg.
//
// The goroutine that takes a stream serves it, after starting another to
// take the next: the first request on a new stream reaches its method
// without a further hand-off.
func (c *Conn) acceptLoop() {
	id, s, err := c.l.Accept(c.life)
	if err != nil {
		c.end(err)
		c.wg.Done()
		return
	}
	c.wg.Add(1)
	go c.acceptLoop()
	c.mu.Lock()
	o := c.objects[id]
	c.mu.Unlock()
	c.attach(o, s) // a nil o answers for an object no longer served
}

// lookup returns the value this side serves under id, for a reference
// the peer hands back.
func (c *Conn) lookup(id uint32) (interface{}, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.objects[id]
	if o == nil || id == 0 {
		return nil, false
	}
	return o.value, true
}

// Shutdown ends c: the contexts of the calls running in its objects are
// cancelled, its objects stop being served and their streams close, later
// calls through its proxies fail, and the peer's releases are dropped.
// It then waits for the goroutines c owns, including the served methods
// still running, until ctx ends; it then returns an error that names the
// methods still running. Calling it again waits again.
func (c *Conn) Shutdown(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	objects := make([]*object, 0, len(c.objects))
	for _, o := range c.objects {
		objects = append(objects, o)
	}
	c.mu.Unlock()
	c.end(mux.ErrClosed)
	c.l.Close()
	for _, o := range objects {
		o.stop()
	}
	c.peer.close()
	done := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		for _, o := range objects {
			o.closeReceiver()
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("objrpc: shutdown: %w; still running: %v", ctx.Err(), c.Running())
	}
}

// Close is Shutdown without a bound on the wait. It returns nil.
func (c *Conn) Close() error {
	_ = c.Shutdown(context.Background())
	return nil
}

// logCall logs a call made or served, for Options.LogCalls.
func (c *Conn) logCall(what, method string, start time.Time, err error) {
	c.log.Debug("objrpc: "+what, "method", method, "took", time.Since(start), "err", err)
}

// transportError wraps err, the failure of a call of method that got no
// reply, as a transport failure: with ErrTransport, the broker's error if
// the session is gone, and then Options.WrapTransportError.
func (c *Conn) transportError(method string, err error) error {
	var re *Error
	if errors.Is(err, ErrExpired) || errors.Is(err, ErrTransport) || errors.Is(err, ErrProtocol) || errors.As(err, &re) {
		return err // already final
	}
	if berr := c.b.Err(); berr != nil && !errors.Is(err, mux.ErrClosed) {
		err = fmt.Errorf("%w (%w)", err, berr)
	}
	err = fmt.Errorf("objrpc: %s: %w: %w", method, ErrTransport, err)
	if c.wrap != nil {
		err = c.wrap(err)
	}
	return err
}
