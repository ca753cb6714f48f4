package remote

import (
	"errors"
	"fmt"
	"net/rpc"
	"reflect"
	"strings"
	"sync"
)

// Objects that this package serves on streams of their own are served by
// objServer rather than by an rpc.Server: the same net/rpc protocol and
// method rules, but without an rpc.Server (and its method tables) per
// object, and without a long-lived goroutine that decodes requests. The
// goroutine that reads a request starts a fresh goroutine to wait for the
// next one, then runs the method and exits; so an idle object holds one
// goroutine whose stack never grew, and a method runs on its own goroutine
// as under rpc.Server, so long calls and their Cancel overlap.

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// method is one net/rpc-style method: func(rcvr, *Args, *Reply) error.
type method struct {
	fn        reflect.Value
	argType   reflect.Type // Args
	replyType reflect.Type // Reply
}

// methodSet is the methods of one receiver type, by name.
type methodSet map[string]*method

// methodsOf returns the net/rpc-style methods of t: exported, with two
// pointer arguments and an error result.
func methodsOf(t reflect.Type) methodSet {
	ms := make(methodSet)
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type
		if !m.IsExported() || mt.NumIn() != 3 || mt.NumOut() != 1 || mt.Out(0) != errorType ||
			mt.In(1).Kind() != reflect.Pointer || mt.In(2).Kind() != reflect.Pointer {
			continue
		}
		ms[m.Name] = &method{fn: m.Func, argType: mt.In(1).Elem(), replyType: mt.In(2).Elem()}
	}
	return ms
}

// methods returns the method set of k's receivers, computed once.
func (k *kind) methods(rcvr interface{}) methodSet {
	k.once.Do(func() { k.set = methodsOf(reflect.TypeOf(rcvr)) })
	return k.set
}

// objServer serves one object's receiver on one stream.
type objServer struct {
	codec   rpc.ServerCodec
	svc     string
	rcvr    reflect.Value
	methods methodSet
	end     func() // runs once the stream has ended and every call is answered

	sending sync.Mutex     // serialises WriteResponse
	calls   sync.WaitGroup // methods running
}

// next reads one request and answers it. It is called by the goroutine
// that waits for the request; once the request is read, a new goroutine
// waits for the next one while this one runs the method.
func (s *objServer) next() {
	var req rpc.Request
	if err := s.codec.ReadRequestHeader(&req); err != nil {
		s.calls.Wait()
		s.codec.Close()
		s.end()
		return
	}
	m, argv, replyv, err := s.readBody(&req)
	s.calls.Add(1)
	defer s.calls.Done()
	go s.next()
	s.respond(&req, m, argv, replyv, err)
}

// readBody finds the request's method and decodes its argument.
func (s *objServer) readBody(req *rpc.Request) (*method, reflect.Value, reflect.Value, error) {
	svc, name, ok := strings.Cut(req.ServiceMethod, ".")
	m := s.methods[name]
	if !ok || svc != s.svc || m == nil {
		err := s.codec.ReadRequestBody(nil)
		return nil, reflect.Value{}, reflect.Value{}, errors.Join(
			fmt.Errorf("rpc: can't find method %s", req.ServiceMethod), err)
	}
	argv := reflect.New(m.argType)
	if err := s.codec.ReadRequestBody(argv.Interface()); err != nil {
		return nil, reflect.Value{}, reflect.Value{}, fmt.Errorf("rpc: reading body of %s: %w", req.ServiceMethod, err)
	}
	return m, argv, reflect.New(m.replyType), nil
}

// respond runs m (unless the request already failed) and sends the reply.
func (s *objServer) respond(req *rpc.Request, m *method, argv, replyv reflect.Value, err error) {
	if err == nil {
		out := m.fn.Call([]reflect.Value{s.rcvr, argv, replyv})
		if e, _ := out[0].Interface().(error); e != nil {
			err = e
		}
	}
	resp := rpc.Response{ServiceMethod: req.ServiceMethod, Seq: req.Seq}
	var body interface{} = struct{}{}
	if err != nil {
		resp.Error = err.Error()
	} else {
		body = replyv.Interface()
	}
	s.sending.Lock()
	defer s.sending.Unlock()
	_ = s.codec.WriteResponse(&resp, body) // a broken stream ends the next read
}
