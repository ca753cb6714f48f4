package remote

import (
	"fmt"
	"go/token"
	"io"
	"reflect"
	"sync"
)

// Server serves net/rpc services on streams, speaking the protocol of an
// rpc.Server that uses package codec, with fewer goroutine hand-offs per
// call: the goroutine that reads a request runs its method itself, after
// starting another to read the next request, and the Cancel of a
// component registered with Register runs without any goroutine started. Use it instead of an rpc.Server for the main
// stream (Register accepts either).
//
// Services follow net/rpc's rules: exported methods of the form
// func(Args, *Reply) error or func(*Args, *Reply) error. Unlike an
// rpc.Server, a Server does not check that Args and Reply are exported
// types, and it does not serve the service "" or rpc.Server's debug pages.
// A panic in a method is not recovered, as under rpc.Server.
//
// The zero value is not usable; call NewServer. A Server is safe for
// concurrent use.
type Server struct {
	mu       sync.RWMutex // guards services
	services map[string]*service
}

// NewServer returns a Server with no services.
func NewServer() *Server {
	return &Server{services: make(map[string]*service)}
}

// RegisterName adds rcvr's methods under the service name name. It fails
// if name is not an exported identifier, is already registered, or rcvr
// has no suitable method. It does not block.
func (s *Server) RegisterName(name string, rcvr interface{}) error {
	return s.register(name, rcvr, false)
}

// register is RegisterName; with ours set, rcvr is one of this package's
// receivers, whose Cancel runs inline (see inlineMethods).
func (s *Server) register(name string, rcvr interface{}, ours bool) error {
	if !token.IsExported(name) {
		return fmt.Errorf("remote: register %T: service name %q is not exported", rcvr, name)
	}
	methods := methodsOf(reflect.TypeOf(rcvr), true)
	if len(methods) == 0 {
		return fmt.Errorf("remote: register %T as %s: no suitable methods", rcvr, name)
	}
	for mname, m := range methods {
		m.inline = ours && runsInline(name, mname)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.services[name] != nil {
		return fmt.Errorf("remote: register %T: service %s already defined", rcvr, name)
	}
	s.services[name] = &service{name: name, rcvr: reflect.ValueOf(rcvr), methods: methods}
	return nil
}

// ServeConn serves the registered services on conn with package codec
// until conn fails or reaches its end, then waits for the calls still
// running, closes conn and returns. Services registered while it runs
// are served too.
func (s *Server) ServeConn(conn io.ReadWriteCloser) {
	done := make(chan struct{})
	srv := newObjServer(conn, s.find, func() { close(done) })
	srv.serve()
	<-done
}

func (s *Server) find(name string) *service {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.services[name]
}
