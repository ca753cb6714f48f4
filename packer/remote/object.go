package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// objKey names an object this process serves: its id in the namespace of
// the broker it is served on.
type objKey struct {
	b  *mux.Broker
	id uint32
}

// registry maps every object this process currently serves to the value it
// serves, so that a reference the peer hands back ("yours, id X") resolves
// to the original value. An entry lives exactly as long as the object is
// served. This is the package's one piece of mutable state besides
// RegisterError's table: ids are per broker, and any server on a broker
// may receive a reference to any object served on it.
var registry = struct {
	mu sync.Mutex // guards m
	m  map[objKey]servedObject
}{m: make(map[objKey]servedObject)}

// servedObject is a registry entry: the value served and its receiver.
type servedObject struct {
	obj  interface{}
	rcvr interface{}
}

func registryAdd(b *mux.Broker, id uint32, obj, rcvr interface{}) {
	registry.mu.Lock()
	registry.m[objKey{b, id}] = servedObject{obj, rcvr}
	registry.mu.Unlock()
}

func registryRemove(b *mux.Broker, id uint32) {
	registry.mu.Lock()
	delete(registry.m, objKey{b, id})
	registry.mu.Unlock()
}

func registryLookup(b *mux.Broker, id uint32) (interface{}, bool) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	e, ok := registry.m[objKey{b, id}]
	return e.obj, ok
}

// remoteRef is implemented by every proxy of an object the peer serves
// under a known id. Handing such a proxy back over the same broker sends
// "yours, id X" instead of serving a proxy of a proxy.
type remoteRef interface {
	remoteRef() (*mux.Broker, uint32)
}

// shutdowner is implemented by receivers that own state beyond their
// stream (progress reports, running commands); shutdown releases it once
// the object is no longer served, and waits for its goroutines.
type shutdowner interface {
	shutdown()
}

// served is one object this side serves on its own stream. Its goroutine
// (run) accepts the peer's dial and serves the stream (see objServer)
// until it ends; the goroutine that sees the end unregisters the object
// once its lifetime is over.
type served struct {
	b       *mux.Broker
	id      uint32
	svc     string
	rcvr    interface{}
	methods methodSet
	cancel  context.CancelFunc // ends the lifetime: abandons the Accept
	exited  chan struct{}      // closed when the object is gone

	mu      sync.Mutex // guards conn and stopped
	conn    net.Conn
	stopped bool
}

// run is the served object's first goroutine. ctx is the object's
// lifetime: it ends with stop (or never, for the session's objects).
func (s *served) run(ctx context.Context) {
	conn, err := acceptLoop(ctx, s.b, s.id, func() bool { return ctx.Err() == nil })
	if err != nil {
		s.finish(ctx) // the lifetime ended before the peer dialled
		return
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		conn.Close()
		s.finish(ctx)
		return
	}
	s.conn = conn
	s.mu.Unlock()
	svc := &service{name: s.svc, rcvr: reflect.ValueOf(s.rcvr), methods: s.methods}
	srv := newObjServer(conn, func(name string) *service {
		if name != svc.name {
			return nil
		}
		return svc
	}, func() { s.finish(ctx) })
	srv.serve()
}

// finish runs once the stream has ended: it releases the receiver's state
// and, once the lifetime or the session is over, unregisters the object.
// It stays registered until then, even if the peer closed its stream
// earlier, so that references handed back resolve.
func (s *served) finish(ctx context.Context) {
	defer close(s.exited)
	defer registryRemove(s.b, s.id)
	if sd, ok := s.rcvr.(shutdowner); ok {
		sd.shutdown()
	}
	select {
	case <-ctx.Done():
	case <-s.b.Done():
	}
}

// stop ends the object's lifetime: a pending Accept is abandoned and the
// stream closed. It does not wait; see exited.
func (s *served) stop() {
	s.cancel()
	s.mu.Lock()
	s.stopped = true
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// acceptLoop waits for the peer to dial id until ctx ends. The broker's
// Accept gives up after Config.BrokerTimeout; an object the peer dials
// lazily may wait longer than that, so a timed-out Accept is renewed while
// renew says so (a dial that arrives in between is parked by the broker
// and picked up by the next Accept).
func acceptLoop(ctx context.Context, b *mux.Broker, id uint32, renew func() bool) (net.Conn, error) {
	for {
		conn, err := b.Accept(ctx, id)
		if err != nil && errors.Is(err, mux.ErrAcceptTimeout) && renew() {
			continue
		}
		return conn, err
	}
}

// site is what a served receiver knows about where it is served: the
// broker, the options, the end of its lifetime (nil: the session's) and
// the scope that objects it hands out belong to (nil: the session).
type site struct {
	b     *mux.Broker
	opts  *options
	life  <-chan struct{}
	scope *scope
}

// inbound returns a scope for the links one served call dials; the caller
// closes it when the call returns.
func (st site) inbound() *scope { return newScope(st.b, st.opts) }

// export serves obj for st's scope, or for the session when st has none.
func (st site) export(k *kind, obj interface{}) (wire.Object, error) {
	if st.scope != nil {
		return st.scope.export(k, obj)
	}
	return exportSession(st.b, st.opts, k, obj)
}

// kind is one interface that crosses the wire: its service name and how
// to make the net/rpc receiver that serves an object of it.
type kind struct {
	svc  string
	rcvr func(st site, obj interface{}) interface{}

	once sync.Once // computes set
	set  methodSet // the methods of the receivers
}

// memoKey identifies an object served in a scope, so that handing out the
// same object twice (an Environment's Ui, say) reuses one id and stream.
type memoKey struct {
	svc string
	obj interface{}
}

// scope owns the objects served, and the links dialled, for one lifetime:
// one call (its argument objects, or the argument objects a served call
// receives), or one Command.Run (the components its Environment hands
// out). close ends them all.
type scope struct {
	b    *mux.Broker
	opts *options
	done chan struct{} // closed by close: the lifetime of what it serves

	mu     sync.Mutex // guards the fields below
	closed bool
	served []*served
	memo   map[memoKey]uint32
	links  map[uint32]*link
}

func newScope(b *mux.Broker, opts *options) *scope {
	return &scope{b: b, opts: opts, done: make(chan struct{})}
}

// site returns the site of receivers served in s.
func (s *scope) site() site {
	return site{b: s.b, opts: s.opts, life: s.done, scope: s}
}

// export serves obj under svc for the scope's lifetime and returns its
// wire reference: the nil object for nil, "yours" for a proxy of the
// peer's own object on the same broker, and otherwise a fresh id (or the
// id obj already has in this scope).
func (s *scope) export(k *kind, obj interface{}) (wire.Object, error) {
	if ref, ok := yoursRef(s.b, obj); ok || obj == nil {
		return ref, nil
	}
	key, memo := memoKeyOf(k.svc, obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return wire.Object{}, fmt.Errorf("remote: serve %s: %w", k.svc, ErrExpired)
	}
	if id, ok := s.memo[key]; memo && ok {
		return wire.Object{ID: id}, nil
	}
	sv, err := startServed(s.b, k, obj, k.rcvr(s.site(), obj))
	if err != nil {
		return wire.Object{}, err
	}
	s.served = append(s.served, sv)
	if memo {
		if s.memo == nil {
			s.memo = make(map[memoKey]uint32)
		}
		s.memo[key] = sv.id
	}
	return wire.Object{ID: sv.id}, nil
}

// exportSession serves obj until the session ends: the lifetime of
// returned artifacts, which the peer cannot tell us it has dropped.
func exportSession(b *mux.Broker, opts *options, k *kind, obj interface{}) (wire.Object, error) {
	if ref, ok := yoursRef(b, obj); ok || obj == nil {
		return ref, nil
	}
	sv, err := startServed(b, k, obj, k.rcvr(site{b: b, opts: opts}, obj))
	if err != nil {
		return wire.Object{}, err
	}
	return wire.Object{ID: sv.id}, nil
}

// yoursRef reports whether obj is a proxy of an object the peer on b
// serves, and returns the reference that names it to the peer.
func yoursRef(b *mux.Broker, obj interface{}) (wire.Object, bool) {
	if ref, ok := obj.(remoteRef); ok {
		if rb, id := ref.remoteRef(); rb == b && id != 0 {
			return wire.Object{ID: id, Yours: true}, true
		}
	}
	return wire.Object{}, false
}

func memoKeyOf(svc string, obj interface{}) (memoKey, bool) {
	if !canCompare(obj) {
		return memoKey{}, false
	}
	return memoKey{svc, obj}, true
}

// canCompare reports whether v can be compared with == (and so be a map
// key) without a panic: its type is comparable, and so is every value its
// interface fields hold.
func canCompare(v interface{}) (ok bool) {
	if v == nil || !reflect.TypeOf(v).Comparable() {
		return v == nil
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return v == v //nolint:staticcheck // the comparison itself is the test
}

// startServed registers obj and starts serving rcvr as k on a fresh id of
// b.
func startServed(b *mux.Broker, k *kind, obj, rcvr interface{}) (*served, error) {
	methods := k.methods(rcvr)
	if len(methods) == 0 {
		return nil, fmt.Errorf("remote: serve %s: %T has no methods", k.svc, rcvr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv := &served{b: b, id: b.NextID(), svc: k.svc, rcvr: rcvr, methods: methods, cancel: cancel, exited: make(chan struct{})}
	registryAdd(b, sv.id, obj, rcvr)
	go sv.run(ctx)
	return sv, nil
}

// link returns the scope's link to the peer's object id, dialling nothing
// yet: the stream is opened on first use, and one link (one stream) serves
// every proxy of that id in the scope.
func (s *scope) link(id uint32) *link {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.links[id]; l != nil {
		return l
	}
	l := &link{b: s.b, id: id, closed: s.closed}
	if s.links == nil {
		s.links = make(map[uint32]*link)
	}
	s.links[id] = l
	return l
}

// close ends the scope: calls still running in its served objects see
// their contexts end, their streams and the links' streams are closed,
// and close waits until every served object's goroutine has returned.
// It is idempotent.
func (s *scope) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	served, links := s.served, s.links
	s.served, s.links, s.memo = nil, nil, nil
	s.mu.Unlock()
	for _, l := range links {
		l.close()
	}
	for _, sv := range served {
		sv.stop()
	}
	for _, sv := range served {
		<-sv.exited
	}
}

// link is a lazily dialled net/rpc client (a syncClient) to one object
// the peer serves. A link made by newFixedLink wraps a client given by the
// user (a main component's) and is never dialled or closed here.
type link struct {
	b  *mux.Broker
	id uint32

	mu     sync.Mutex // guards the fields below
	c      rpcConn
	err    error // a failed dial, returned by every later use
	closed bool
	fixed  bool
}

func newFixedLink(b *mux.Broker, c Caller) *link {
	return &link{b: b, c: mainConn(c), fixed: true}
}

// client returns the link's client, dialling the peer on first use. Dial
// costs no round trip; a dial the peer refuses fails the first call.
func (l *link) client() (rpcConn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return nil, fmt.Errorf("remote: object %d: %w", l.id, ErrExpired)
	case l.c != nil || l.err != nil:
		return l.c, l.err
	}
	conn, err := l.b.Dial(context.Background(), l.id)
	if err != nil {
		l.err = err
		return nil, err
	}
	l.c = newSyncClient(conn)
	return l.c, nil
}

// expired reports whether the link was closed because its lifetime
// ended.
func (l *link) expired() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// close closes the link's stream; later calls fail with ErrExpired.
func (l *link) close() {
	l.mu.Lock()
	if l.fixed || l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	c := l.c
	l.mu.Unlock()
	if c != nil {
		c.close()
	}
}
