package objrpc

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Kind is one interface that crosses the wire: the service name its
// objects are served under and how to make the receiver that serves one.
//
// A receiver's served methods are its exported methods of the form
//
//	func (r *T) Name(c *Call, args *A, reply *R) error
//
// where *R embeds Result (it carries the error) and, for a method whose
// caller's context should reach it, *A embeds CallState tagged
// `codec:"call"`. An error the method returns reaches the caller in
// reply's Result, with its code; a panic is recovered and reaches the
// caller as an error wrapping ErrPanic. Every service also answers
// "Cancel", which the runtime handles itself. A receiver that implements
// io.Closer is closed once its object's lifetime has ended.
//
// Kinds are declared once, as package variables; a Kind is safe for
// concurrent use.
type Kind struct {
	service string
	serve   func(obj interface{}) interface{}

	once    sync.Once // computes methods, from the first receiver
	methods methodSet
	err     error
}

// NewKind returns the Kind of objects served under service, each by the
// receiver serve returns for it.
func NewKind(service string, serve func(obj interface{}) interface{}) *Kind {
	return &Kind{service: service, serve: serve}
}

// Service returns the service name of k's objects.
func (k *Kind) Service() string { return k.service }

// Receiver returns the receiver that serves obj, as Conn.Register takes
// it (a component served on the main object, say).
func (k *Kind) Receiver(obj interface{}) interface{} { return k.serve(obj) }

// receiver returns the receiver for obj and its methods.
func (k *Kind) receiver(obj interface{}) (*service, error) {
	rcvr := k.serve(obj)
	k.once.Do(func() { k.methods, k.err = methodsOf(k.service, reflect.TypeOf(rcvr)) })
	if k.err != nil {
		return nil, k.err
	}
	return &service{name: k.service, rcvr: reflect.ValueOf(rcvr), methods: k.methods}, nil
}

var (
	callType      = reflect.TypeOf((*Call)(nil))
	errorType     = reflect.TypeOf((*error)(nil)).Elem()
	replyIface    = reflect.TypeOf((*Reply)(nil)).Elem()
	cancelCheck   = reflect.TypeOf((*cancellable)(nil)).Elem()
	reservedNames = map[string]bool{"Cancel": true}
)

// method is one served method.
type method struct {
	fn          reflect.Value
	argType     reflect.Type // A
	replyType   reflect.Type // R
	cancellable bool         // *A embeds CallState
}

// methodSet is the methods of one receiver type, by name.
type methodSet map[string]*method

// methodsOf returns the served methods of t (see Kind), or an error if it
// has none or one that is named like a method the runtime answers.
func methodsOf(svc string, t reflect.Type) (methodSet, error) {
	ms := make(methodSet)
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type
		if !m.IsExported() || mt.NumIn() != 4 || mt.NumOut() != 1 || mt.Out(0) != errorType ||
			mt.In(1) != callType || mt.In(2).Kind() != reflect.Pointer || mt.In(3).Kind() != reflect.Pointer {
			continue
		}
		if !mt.In(3).Implements(replyIface) {
			return nil, fmt.Errorf("objrpc: %s.%s: reply %v does not embed objrpc.Result", svc, m.Name, mt.In(3))
		}
		if reservedNames[m.Name] {
			return nil, fmt.Errorf("objrpc: %s.%s: the runtime answers %s itself", svc, m.Name, m.Name)
		}
		ms[m.Name] = &method{fn: m.Func, argType: mt.In(2).Elem(), replyType: mt.In(3).Elem(),
			cancellable: mt.In(2).Implements(cancelCheck)}
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("objrpc: %s: %v has no served methods", svc, t)
	}
	return ms, nil
}

// service is one receiver served under a name.
type service struct {
	name    string
	rcvr    reflect.Value
	methods methodSet
}

// newService returns the service of rcvr under name, for Conn.Register.
func newService(name string, rcvr interface{}) (*service, error) {
	ms, err := methodsOf(name, reflect.TypeOf(rcvr))
	if err != nil {
		return nil, err
	}
	return &service{name: name, rcvr: reflect.ValueOf(rcvr), methods: ms}, nil
}

// MethodInfo describes one served method: its name and the types of its
// argument and reply structs.
type MethodInfo struct {
	Name        string
	Args, Reply reflect.Type
	Cancellable bool // the arguments embed CallState
}

// Describe returns the served methods of rcvr (see Kind), sorted by name,
// or an error if it has none. It is how a service's wire shape is
// documented and tested.
func Describe(rcvr interface{}) ([]MethodInfo, error) {
	ms, err := methodsOf(fmt.Sprintf("%T", rcvr), reflect.TypeOf(rcvr))
	if err != nil {
		return nil, err
	}
	out := make([]MethodInfo, 0, len(ms))
	for name, m := range ms {
		out = append(out, MethodInfo{Name: name, Args: m.argType, Reply: m.replyType, Cancellable: m.cancellable})
	}
	slices.SortFunc(out, func(a, b MethodInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
