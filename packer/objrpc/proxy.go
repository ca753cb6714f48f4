package objrpc

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/muxplug/muxplug/internal/msgpack"
	"github.com/muxplug/muxplug/mux"
)

// Proxy is the client side of one object the peer serves: the proxies of
// every interface embed one and make their calls through it. Every method
// is safe for concurrent use.
type Proxy struct {
	c    *Conn
	id   uint32 // in the peer's namespace; 0 for the peer's main object
	svc  string
	link *link
	in   *Scope // the scope the proxy's stream belongs to; nil for main, releasable and broken proxies
}

func (p *Proxy) proxy() *Proxy { return p }

// Conn returns the Conn the proxy's object is reached through.
func (p *Proxy) Conn() *Conn { return p.c }

// Call calls method on the object and waits for the reply. It returns the
// error the remote method returned (an *Error), or the failure of the call
// itself: an error wrapping ErrTransport, ErrExpired (the proxy's lifetime
// is over) or ErrProtocol, or the encoding error of a request that could
// not be sent (codec.ErrTooLarge, say), which leaves the stream usable.
// reply must embed Result.
func (p *Proxy) Call(method string, args interface{}, reply Reply) error {
	return p.CallContext(context.Background(), method, args, reply)
}

// CallContext is Call with a context. For a cancellable method (args embed
// CallState, which CallContext fills in) the callee's context carries
// ctx's deadline, and the end of ctx is sent to the callee as a Cancel of
// this call; CallContext still waits for the reply, which the callee sends
// promptly. For any other method CallContext stops waiting when ctx ends
// and returns context.Cause(ctx); a reply that arrives later is discarded.
func (p *Proxy) CallContext(ctx context.Context, method string, args interface{}, reply Reply) error {
	stop, err := p.Start(ctx, method, args, reply)
	stop()
	return err
}

// Start is CallContext for a cancellable method whose context outlives
// the reply: the end of ctx is forwarded as a Cancel of the call until the
// caller calls stop (never nil), which may be long after Start returned
// (Communicator.Start keeps its command's context so).
func (p *Proxy) Start(ctx context.Context, method string, args interface{}, reply Reply) (stop func() bool, err error) {
	stop = func() bool { return true }
	name := p.svc + "." + method
	p.c.calling.Add(1)
	defer p.c.calling.Add(-1)
	if p.c.logCalls {
		start := time.Now()
		defer func() { p.c.logCall("call", name, start, err) }()
	}
	cl, err := p.link.client()
	if err != nil {
		return stop, p.c.transportError(name, err)
	}
	ca, long := args.(cancellable)
	if long {
		*ca.callState() = p.c.newCallState(ctx)
	} else if err := context.Cause(ctx); err != nil {
		return stop, err
	}
	pc, err := cl.send(name, args, reply)
	if err != nil {
		return stop, p.failure(name, err)
	}
	if long {
		stop = forwardCancel(ctx, cl, p.svc, *ca.callState())
		err = cl.wait(pc)
	} else {
		err = cl.waitContext(ctx, pc)
	}
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, context.Cause(ctx)):
		return stop, err
	case err != nil:
		return stop, p.failure(name, err)
	}
	return stop, DecodeError(reply.result().Err)
}

// failure describes a call of name that got no reply: a request that
// could not be encoded, an object whose lifetime ended under it
// (ErrExpired), or a transport failure.
func (p *Proxy) failure(name string, err error) error {
	var enc *msgpack.EncodeError
	switch {
	case errors.As(err, &enc):
		return fmt.Errorf("objrpc: %s: request not sent: %w", name, err)
	case errors.Is(err, ErrProtocol):
		return err
	case p.link.expired():
		return fmt.Errorf("objrpc: %s: %w (%v)", name, ErrExpired, err)
	case errors.Is(err, mux.ErrRejected):
		// Nobody takes the id: the object's lifetime ended on the
		// serving side (the broker refuses such a dial after its
		// BrokerTimeout).
		return fmt.Errorf("objrpc: %s: object %d is not served: %w: %w", name, p.id, ErrExpired, err)
	}
	return p.c.transportError(name, err)
}

// LogFailure reports the failure of a call of method whose signature
// has no error result to return it in (Ui.Say, Artifact.Id, ...), to the
// Conn's logger; a nil err logs nothing.
func (p *Proxy) LogFailure(method string, err error) {
	if err != nil {
		p.c.log.Warn("objrpc: call failed", "method", p.svc+"."+method, "err", err)
	}
}

// Broken returns a proxy of service svc whose every call fails with err:
// what a method that must return an object (and cannot return an error)
// returns when it could not get one.
func (p *Proxy) Broken(svc string, err error) *Proxy {
	return &Proxy{c: p.c, svc: svc, link: &link{c: p.c, err: err, fixed: true}}
}

// Import turns a reference received in a call into the object to use: nil
// for the nil reference, this side's own object for "yours", and
// otherwise a proxy of the peer's object made by mk. The proxy of a
// releasable reference lives as long as the caller keeps it: once it is
// unreachable, the peer is told to release the object. Any other proxy's
// stream belongs to in and its calls fail with ErrExpired once in has
// closed.
func Import[T any](in *Scope, r Ref, k *Kind, mk func(*Proxy) T) (T, error) {
	return importRef(in.c, in, r, k, mk)
}

// importRef is Import; a reference that is neither nil, "yours" nor
// releasable gets a link of in, or one of its own when in is nil.
func importRef[T any](c *Conn, in *Scope, r Ref, k *Kind, mk func(*Proxy) T) (T, error) {
	var zero T
	switch {
	case r.ID == 0:
		return zero, nil
	case r.Yours:
		obj, ok := c.lookup(r.ID)
		if !ok {
			return zero, fmt.Errorf("objrpc: %s %d handed back: %w", k.service, r.ID, ErrExpired)
		}
		t, ok := obj.(T)
		if !ok {
			return zero, fmt.Errorf("objrpc: object %d handed back as a %s is a %T: %w", r.ID, k.service, obj, ErrProtocol)
		}
		return t, nil
	case r.Release:
		l := &link{c: c, id: r.ID}
		p := &Proxy{c: c, id: r.ID, svc: k.service, link: l}
		runtime.AddCleanup(p, c.queueRelease, releaseTicket{id: r.ID, link: l})
		return mk(p), nil
	}
	if in == nil {
		return mk(&Proxy{c: c, id: r.ID, svc: k.service, link: &link{c: c, id: r.ID}}), nil
	}
	return mk(&Proxy{c: c, id: r.ID, svc: k.service, link: in.link(r.ID), in: in}), nil
}

// ImportResult is Import for a reference that a call through p returned:
// an object that is not releasable lives in the scope its exporter served
// it in, so its proxy's stream belongs to p's scope (and ends with it).
// For a proxy that has no scope (the peer's main object) such an object
// gets a stream of its own that lasts as long as the Conn.
func ImportResult[T any](p *Proxy, r Ref, k *Kind, mk func(*Proxy) T) (T, error) {
	return importRef(p.c, p.in, r, k, mk)
}

// link is a lazily dialed client of one object the peer serves, shared by
// the proxies of that object in one scope. A fixed link (the peer's main
// object, a broken proxy's) is never closed by a scope.
type link struct {
	c  *Conn
	id uint32

	mu     sync.Mutex // guards the fields below
	cl     *client
	err    error // a failed dial, returned by every later use
	closed bool
	fixed  bool

	ow oneWay // the one-way calls sent on the stream
}

// client returns the link's client, dialing the peer on first use.
func (l *link) client() (*client, error) {
	return l.dial(context.Background(), false)
}

// dial returns the link's client, dialing the peer if needed; announce
// sends the stream header at once.
func (l *link) dial(ctx context.Context, announce bool) (*client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return nil, fmt.Errorf("objrpc: object %d: %w", l.id, ErrExpired)
	case l.cl != nil || l.err != nil:
		return l.cl, l.err
	}
	conn, err := l.c.b.Dial(ctx, l.id)
	if err == nil && announce {
		if _, err = conn.Write(nil); err != nil {
			conn.Close()
		}
	}
	if err != nil {
		l.err = err
		return nil, err
	}
	l.cl = newClient(conn, l.c.oneWayFailed, &l.c.wg)
	return l.cl, nil
}

// expired reports whether the link was closed because its lifetime ended.
func (l *link) expired() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// close closes the link's stream; later calls fail with ErrExpired. A
// fixed link is closed only by its Conn.
func (l *link) close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	cl := l.cl
	l.mu.Unlock()
	if cl != nil {
		cl.close()
	}
}
