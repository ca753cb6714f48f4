package remote

import (
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"reflect"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/codec"
)

// Objects that this package serves on streams of their own, and the main
// streams a Server serves, are served by objServer rather than by an
// rpc.Server: the same net/rpc protocol and method rules, but without a
// long-lived goroutine that decodes requests and hands each to a goroutine
// of its own. The goroutine that reads a request runs the method itself,
// so a method starts without a hand-off. Another request (a Cancel for
// the running call, or a concurrent call) must still be read while it
// runs, so a fresh goroutine starts reading before the method runs. An
// idle object therefore holds one goroutine whose stack never grew, and
// long calls and their Cancel overlap as under rpc.Server. A Cancel (see
// inlineMethods) runs on the reading goroutine, which then reads the next
// request.

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// method is one net/rpc-style method: func(rcvr, Args or *Args, *Reply)
// error.
type method struct {
	fn        reflect.Value
	argType   reflect.Type // Args
	argPtr    bool         // the method takes *Args
	replyType reflect.Type // Reply
	inline    bool         // returns at once: run it on the reading goroutine
}

// methodSet is the methods of one receiver type, by name.
type methodSet map[string]*method

// inlineMethods names, by service and method, the methods of this
// package's receivers that run on the goroutine that reads the stream,
// besides every Cancel (which only records something). It is empty: the
// Ui's output methods were run inline once, which saved the start of a
// goroutine per callback (~7% on 100 callbacks) but made an idle served
// object's stack grow from ~7 to ~13 KiB, over the 12 KiB budget; and it
// let a Ui whose output blocks hold up its whole stream. Never list a
// method that may wait for something else (Ui.Ask, a component's methods).
var inlineMethods = map[string]bool{}

// runsInline reports whether svc's method runs on the reading goroutine.
func runsInline(svc, method string) bool {
	return method == "Cancel" || inlineMethods[svc+"."+method]
}

// methodsOf returns the net/rpc-style methods of t: exported, with a
// pointer reply argument and an error result. Unless anyArgs is set (a
// Server's services, which follow net/rpc's rules), the argument must be a
// pointer too.
func methodsOf(t reflect.Type, anyArgs bool) methodSet {
	ms := make(methodSet)
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type
		if !m.IsExported() || mt.NumIn() != 3 || mt.NumOut() != 1 || mt.Out(0) != errorType ||
			mt.In(2).Kind() != reflect.Pointer {
			continue
		}
		arg, ptr := mt.In(1), mt.In(1).Kind() == reflect.Pointer
		if ptr {
			arg = arg.Elem()
		} else if !anyArgs {
			continue
		}
		ms[m.Name] = &method{fn: m.Func, argType: arg, argPtr: ptr, replyType: mt.In(2).Elem()}
	}
	return ms
}

// methods returns the method set of k's receivers, computed once, with
// the methods that run inline marked.
func (k *kind) methods(rcvr interface{}) methodSet {
	k.once.Do(func() {
		k.set = methodsOf(reflect.TypeOf(rcvr), false)
		for name, m := range k.set {
			m.inline = runsInline(k.svc, name)
		}
	})
	return k.set
}

// service is one receiver served under a name.
type service struct {
	name    string
	rcvr    reflect.Value
	methods methodSet
}

// objServer serves the services of one stream: one object's, or those a
// Server holds.
type objServer struct {
	codec rpc.ServerCodec
	find  func(name string) *service // nil if no service has that name
	end   func()                     // runs once the stream has ended and every call is answered

	sending sync.Mutex     // serialises WriteResponse
	calls   sync.WaitGroup // methods running
}

// newObjServer returns an objServer for conn.
func newObjServer(conn io.ReadWriteCloser, find func(string) *service, end func()) *objServer {
	return &objServer{codec: codec.NewServerCodec(conn), find: find, end: end}
}

// serve reads requests and answers them until the stream ends. When
// another request arrives while a method runs, a new goroutine takes over
// the reading (see the top of this file).
func (s *objServer) serve() {
	for {
		var req rpc.Request
		if err := s.codec.ReadRequestHeader(&req); err != nil {
			s.calls.Wait()
			s.codec.Close()
			s.end()
			return
		}
		svc, m, argv, replyv, err := s.readBody(&req)
		if err != nil || m.inline {
			s.respond(&req, svc, m, argv, replyv, err)
			continue
		}
		s.calls.Add(1)
		go s.serve()
		s.respond(&req, svc, m, argv, replyv, nil)
		s.calls.Done()
		return
	}
}

// readBody finds the request's method and decodes its argument.
func (s *objServer) readBody(req *rpc.Request) (*service, *method, reflect.Value, reflect.Value, error) {
	name, mname, ok := strings.Cut(req.ServiceMethod, ".")
	var svc *service
	var m *method
	if ok {
		if svc = s.find(name); svc != nil {
			m = svc.methods[mname]
		}
	}
	if m == nil {
		err := s.codec.ReadRequestBody(nil)
		return nil, nil, reflect.Value{}, reflect.Value{}, errors.Join(
			fmt.Errorf("rpc: can't find method %s", req.ServiceMethod), err)
	}
	argv := reflect.New(m.argType)
	if err := s.codec.ReadRequestBody(argv.Interface()); err != nil {
		return nil, nil, reflect.Value{}, reflect.Value{}, fmt.Errorf("rpc: reading body of %s: %w", req.ServiceMethod, err)
	}
	if !m.argPtr {
		argv = argv.Elem()
	}
	return svc, m, argv, reflect.New(m.replyType), nil
}

// respond runs m (unless the request already failed) and sends the reply.
func (s *objServer) respond(req *rpc.Request, svc *service, m *method, argv, replyv reflect.Value, err error) {
	if err == nil {
		out := m.fn.Call([]reflect.Value{svc.rcvr, argv, replyv})
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
