package objrpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/muxplug/muxplug/internal/msgpack"
)

// runtimeService is the service of every main object that the runtime
// answers itself: Runtime.Release.
const runtimeService = "Runtime"

// Call is what a served method knows of the call it serves. It is valid
// until the method returns; it is not safe for use by other goroutines
// after that.
type Call struct {
	conn   *Conn
	obj    *object
	ctx    context.Context
	method string
	start  time.Time
	in     *Scope // made on first use; closed when the method returns
	end    func() // ends ctx when the method returns; nil once kept
}

// Context returns the call's context. For a cancellable method (its
// arguments embed CallState) it carries the caller's deadline and ends
// when the caller's context is cancelled or the method returns; for every
// method it ends when the serving object's lifetime or the Conn ends.
func (c *Call) Context() context.Context { return c.ctx }

// KeepContext keeps the call's context alive after the method returns,
// until the returned function is called (or the object's lifetime or the
// Conn ends): a method that starts something which the caller may still
// cancel through this call (Communicator.Start) keeps it so. Only a
// cancellable method's context can be kept; for others end does nothing.
func (c *Call) KeepContext() (end func()) {
	end = c.end
	c.end = nil
	if end == nil {
		end = func() {}
	}
	return end
}

// Lifetime returns a context that ends with the lifetime of the object
// serving the call, which may be long after the call: what the method
// starts and leaves running (a progress report, a command) watches it.
func (c *Call) Lifetime() context.Context { return c.obj.life }

// Conn returns the Conn the call arrived on.
func (c *Call) Conn() *Conn { return c.conn }

// Logger returns the Conn's logger.
func (c *Call) Logger() *slog.Logger { return c.conn.log }

// In returns the scope of the objects the call receives: the proxies
// Import makes in it, and anything the method serves in it, end when the
// method returns.
func (c *Call) In() *Scope {
	if c.in == nil {
		c.in = c.conn.NewScope()
	}
	return c.in
}

// ExportResult serves obj as k for the caller to keep and returns its
// reference. An object served in a scope hands out objects that live in
// that scope; any other object hands out releasable objects (see
// Conn.ExportReleasable).
func (c *Call) ExportResult(k *Kind, obj interface{}) (Ref, error) {
	if s := c.obj.scope; s != nil {
		return s.Export(k, obj)
	}
	return c.conn.ExportReleasable(k, obj)
}

// streamServer serves the calls arriving on one stream of an object. The
// goroutine that reads a request runs its method itself, so a method
// starts without a goroutine hand-off; if the method takes longer than
// inlineBudget, another goroutine starts reading the stream meanwhile, so
// that long calls overlap the stream's other calls and their own Cancel.
// Cancel and Runtime.Release run on the reading goroutine, which then
// reads on, and so do one-way calls (see oneway.go), in the order they
// arrive.
type streamServer struct {
	c    *Conn
	o    *object // nil: the id is not served; every call gets ErrExpired
	conn net.Conn
	mc   *msgpack.Conn

	sending sync.Mutex     // serialises responses
	calls   sync.WaitGroup // methods running
}

func newStreamServer(c *Conn, o *object, conn net.Conn) *streamServer {
	return &streamServer{c: c, o: o, conn: conn, mc: msgpack.NewConn(conn)}
}

// request is one decoded request.
type request struct {
	h    msgpack.RequestHeader
	svc  *service
	m    *method
	args reflect.Value // *A
}

// serve reads requests until the stream ends. Its goroutine is counted in
// c.wg and, for a served object, in o.work.
func (s *streamServer) serve() {
	defer s.c.wg.Done()
	if s.o != nil {
		defer s.o.work.Done()
	}
	for {
		var req request
		if err := s.mc.ReadHeader(&req.h); err != nil {
			s.end()
			return
		}
		if done, err := s.readBody(&req); err != nil {
			if req.h.Seq == 0 {
				s.refuseOneWay(&req.h, err)
			} else {
				s.refuse(&req.h, err)
			}
			continue
		} else if done {
			continue
		}
		if req.h.Seq == 0 {
			s.runOneWay(&req)
			continue
		}
		s.calls.Add(1)
		s.count(1) // the next reader's, taken now so that no count drops to zero meanwhile
		next := time.AfterFunc(inlineBudget, func() { go s.serve() })
		s.run(&req)
		s.calls.Done()
		if !next.Stop() {
			return // the method outlasted its budget: another goroutine reads now
		}
		s.count(-1) // no reader was started: this goroutine reads on
		if s.mc.Buffered() == 0 {
			// Nothing more has arrived yet: wait on a fresh goroutine,
			// whose stack has not grown with the method's, so that an idle
			// stream stays small. A busy stream is read on.
			s.spawn()
			return
		}
	}
}

// inlineBudget is how long a method runs on the goroutine that read its
// request before another goroutine starts reading the stream's next
// requests. A quick method (most are) thus costs no goroutine at all and
// the next request is read right after its reply; a long one (a Run, an
// Ask waiting for a person) lets the stream's other requests, and its own
// Cancel, through after at most this delay.
const inlineBudget = 50 * time.Microsecond

// spawn starts the goroutine that reads the next request.
func (s *streamServer) spawn() {
	s.count(1)
	go s.serve()
}

// count adds delta to the counts of reading goroutines (c.wg, o.work).
func (s *streamServer) count(delta int) {
	s.c.wg.Add(delta)
	if s.o != nil {
		s.o.work.Add(delta)
	}
}

// end closes the stream once its calls have been answered.
func (s *streamServer) end() {
	s.calls.Wait()
	s.mc.Close()
	if s.o != nil {
		s.o.detach(s.conn)
	}
}

// readBody finds the request's method and decodes its argument. The
// runtime's own methods run at once, and done reports that.
func (s *streamServer) readBody(req *request) (done bool, err error) {
	name, mname, _ := strings.Cut(req.h.ServiceMethod, ".")
	switch {
	case mname == "Cancel":
		var args cancelArgs
		if err := s.mc.ReadBody(&args); err != nil {
			return false, fmt.Errorf("objrpc: %s: %w", req.h.ServiceMethod, err)
		}
		s.c.callee.cancel(args.ID)
		s.respond(&req.h, &Empty{})
		return true, nil
	case s.o == nil: // one-way calls get the same answer: a failure report
		err := s.mc.ReadBody(nil)
		s.respond(&req.h, &Empty{Result{EncodeError(fmt.Errorf("objrpc: %s: %w", req.h.ServiceMethod, ErrExpired))}})
		return true, err
	case name == runtimeService && mname == "Sync": // every call before it has run
		err := s.mc.ReadBody(nil)
		s.respond(&req.h, &Empty{})
		return true, err
	case s.o.id == 0 && name == runtimeService && mname == "Release":
		var args releaseArgs
		if err := s.mc.ReadBody(&args); err != nil {
			return false, fmt.Errorf("objrpc: %s: %w", req.h.ServiceMethod, err)
		}
		s.c.release(args.IDs)
		s.respond(&req.h, &Empty{})
		return true, nil
	}
	if req.svc = s.o.service(name); req.svc != nil {
		req.m = req.svc.methods[mname]
	}
	if req.m == nil {
		err := s.mc.ReadBody(nil)
		return false, errors.Join(fmt.Errorf("objrpc: no method %s on object %d", req.h.ServiceMethod, s.o.id), err)
	}
	req.args = reflect.New(req.m.argType)
	if err := s.mc.ReadBody(req.args.Interface()); err != nil {
		return false, fmt.Errorf("objrpc: arguments of %s: %w", req.h.ServiceMethod, err)
	}
	return false, nil
}

// refuse answers a request the server cannot take.
func (s *streamServer) refuse(h *msgpack.RequestHeader, err error) {
	s.sending.Lock()
	defer s.sending.Unlock()
	_ = s.mc.WriteMessage(&msgpack.ResponseHeader{ServiceMethod: h.ServiceMethod, Seq: h.Seq, Error: err.Error()}, nil)
}

// respond sends reply. A reply that cannot be encoded (too large, say) is
// replaced by its error, so the caller learns what happened.
func (s *streamServer) respond(h *msgpack.RequestHeader, reply interface{}) {
	rh := &msgpack.ResponseHeader{ServiceMethod: h.ServiceMethod, Seq: h.Seq}
	s.sending.Lock()
	defer s.sending.Unlock()
	err := s.mc.WriteMessage(rh, reply)
	var enc *msgpack.EncodeError
	if errors.As(err, &enc) {
		failed := fmt.Errorf("objrpc: %s: reply not sent: %w", h.ServiceMethod, err)
		_ = s.mc.WriteMessage(rh, &Empty{Result{EncodeError(failed)}})
	} // a broken stream ends the next read
}

// run runs req's method and sends its reply.
func (s *streamServer) run(req *request) {
	o := s.o
	call := &Call{conn: s.c, obj: o, ctx: o.life, method: req.h.ServiceMethod, start: time.Now()}
	if req.m.cancellable {
		call.ctx, call.end = s.c.callee.begin(o.life, *req.args.Interface().(cancellable).callState())
	}
	s.c.track(call, true)
	reply := reflect.New(req.m.replyType)
	err := invoke(call, req, reply)
	if call.in != nil {
		call.in.Close()
	}
	if call.end != nil {
		call.end() // before the reply: the caller sees the call over
	}
	s.c.track(call, false)
	if err != nil {
		reply.Interface().(Reply).result().Err = err
	}
	if s.c.logCalls {
		s.c.logCall("served", call.method, call.start, DecodeError(reply.Interface().(Reply).result().Err))
	}
	s.respond(&req.h, reply.Interface())
}

// invoke calls the method, recovering a panic into the call's error.
func invoke(call *Call, req *request, reply reflect.Value) (werr *WireError) {
	defer func() {
		if r := recover(); r != nil {
			call.conn.log.Error("objrpc: recovered a panic in a served method",
				"method", call.method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			werr = &WireError{Code: codePanic, Message: fmt.Sprintf("objrpc: panic in %s: %v", call.method, r)}
		}
	}()
	out := req.m.fn.Call([]reflect.Value{req.svc.rcvr, reflect.ValueOf(call), req.args, reply})
	if err, _ := out[0].Interface().(error); err != nil {
		return EncodeError(err)
	}
	return nil
}

// track adds call to, or removes it from, the calls Running reports.
func (c *Conn) track(call *Call, running bool) {
	c.runMu.Lock()
	if running {
		c.running[call] = struct{}{}
	} else {
		delete(c.running, call)
	}
	c.runMu.Unlock()
}
