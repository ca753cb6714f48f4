package objrpc

import (
	"context"
	"fmt"
	"reflect"
	"sync"
)

// Scope is one lifetime of served objects and of proxies' streams: the
// objects passed to one outgoing call (served until it returns), or the
// objects one served call receives (Call.In). Close ends them all.
//
// A Scope is safe for concurrent use.
type Scope struct {
	c    *Conn
	life context.Context
	end  context.CancelFunc

	mu      sync.Mutex // guards the fields below
	closed  bool
	objects []*object
	memo    map[memoKey]uint32
	links   map[uint32]*link
	keep    []interface{} // proxies handed back as references: alive until Close
}

// memoKey identifies an object served in a scope, so that handing out the
// same object twice (an Environment's Ui, say) reuses one id and stream.
type memoKey struct {
	svc string
	obj interface{}
}

// NewScope returns an open scope whose lifetime ends with Close or with c.
func (c *Conn) NewScope() *Scope {
	life, end := context.WithCancel(c.life)
	return &Scope{c: c, life: life, end: end}
}

// Export serves obj as k for the scope's lifetime and returns its
// reference: the nil reference for nil, "yours" for a proxy of one of the
// peer's own objects on this Conn, and otherwise a fresh id (or the id obj
// already has in this scope). It fails once the scope is closed.
func (s *Scope) Export(k *Kind, obj interface{}) (Ref, error) {
	if obj == nil {
		return Ref{}, nil
	}
	if ref, ok := s.c.yours(obj); ok {
		s.mu.Lock()
		s.keep = append(s.keep, obj)
		s.mu.Unlock()
		return ref, nil
	}
	key, memo := memoKeyOf(k.service, obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Ref{}, fmt.Errorf("objrpc: serve %s: %w", k.service, ErrExpired)
	}
	if id, ok := s.memo[key]; memo && ok {
		return Ref{ID: id}, nil
	}
	svc, err := k.receiver(obj)
	if err != nil {
		return Ref{}, err
	}
	o := newObject(s.c, 0, obj, svc, s.life, s)
	if err := s.c.register(o); err != nil {
		return Ref{}, err
	}
	s.objects = append(s.objects, o)
	if memo {
		if s.memo == nil {
			s.memo = make(map[memoKey]uint32)
		}
		s.memo[key] = o.id
	}
	return Ref{ID: o.id}, nil
}

// link returns the scope's link to the peer's object id: one stream,
// opened on first use, for every proxy of id in the scope.
func (s *Scope) link(id uint32) *link {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.links[id]; l != nil {
		return l
	}
	l := &link{c: s.c, id: id, closed: s.closed}
	if s.links == nil {
		s.links = make(map[uint32]*link)
	}
	s.links[id] = l
	return l
}

// Close ends the scope. First every one-way call sent through its proxies
// has run on the far side (or is reported lost); then the calls still
// running in its objects see their contexts end, their streams and the
// links' streams close, later calls through its proxies fail with
// ErrExpired, and Close waits until every call running in its objects has
// returned. It is idempotent.
func (s *Scope) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	objects, links := s.objects, s.links
	s.objects, s.links, s.memo, s.keep = nil, nil, nil, nil
	s.mu.Unlock()
	for _, l := range links {
		l.flush() // the peer runs what was sent before it learns of the end
	}
	s.end()
	for _, l := range links {
		l.close()
	}
	for _, o := range objects {
		o.stop()
	}
	for _, o := range objects {
		o.work.Wait()
		o.closeReceiver()
	}
}

// ExportReleasable serves obj as k until the peer releases it (its proxy
// became unreachable there; see Import) or c ends, and returns its
// reference: the nil reference for nil and "yours" for a proxy of the
// peer's own object. It is how a method returns an object the caller may
// keep as long as it likes.
func (c *Conn) ExportReleasable(k *Kind, obj interface{}) (Ref, error) {
	if obj == nil {
		return Ref{}, nil
	}
	if ref, ok := c.yours(obj); ok {
		return ref, nil
	}
	svc, err := k.receiver(obj)
	if err != nil {
		return Ref{}, err
	}
	o := newObject(c, 0, obj, svc, c.life, nil)
	if err := c.register(o); err != nil {
		return Ref{}, err
	}
	return Ref{ID: o.id, Release: true}, nil
}

// yours reports whether obj is a proxy of an object the peer serves on c,
// and returns the reference that names it to the peer.
func (c *Conn) yours(obj interface{}) (Ref, bool) {
	if p, ok := obj.(interface{ proxy() *Proxy }); ok {
		if px := p.proxy(); px != nil && px.c == c && px.id != 0 {
			return Ref{ID: px.id, Yours: true}, true
		}
	}
	return Ref{}, false
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

// SameObject reports whether a and b are the same value, without
// panicking on values that cannot be compared.
func SameObject(a, b interface{}) bool {
	return canCompare(a) && canCompare(b) && a == b
}
