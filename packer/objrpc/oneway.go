package objrpc

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/muxplug/muxplug/internal/msgpack"
)

// One-way calls. A method without a result (a Ui's Say, a progress
// update) is sent with Proxy.Send as a request of Seq 0: the caller does
// not wait, and the server answers only if the call fails. The server
// runs one-way calls on the goroutine that reads the stream, so calls on
// one stream run in the order they were sent, and a later waited-for call
// on the stream (a Ui.Ask) runs only after them.
//
// The sender keeps at most oneWayWindow calls unconfirmed per stream: every
// syncEvery calls it sends "Runtime.Sync", which the server answers once
// every call before it has run, and it waits for the older of two
// outstanding Syncs. A peer that stops reading (a Ui that blocks) thus
// slows the sender down instead of growing memory, and at most
// oneWayWindow calls are in flight when a process dies. When a scope
// closes (a served call returns) its streams are synced first, so the
// caller sees every one-way call the callee made on the objects of the
// call run before the call's reply: one round trip per object used, not
// one per call. Failures come back as responses of Seq 0, read by whoever
// reads the stream's replies next (a Sync, at the latest), and are logged
// and counted on the sending side; calls that a broken stream leaves
// unconfirmed are logged and counted as possibly lost.
const (
	syncEvery    = 128
	oneWayWindow = 2 * syncEvery
)

// oneWay is a link's one-way state.
type oneWay struct {
	mu          sync.Mutex // serialises one-way sends and their Syncs
	unsynced    int        // calls sent since the last Sync was sent
	unconfirmed int        // calls sent since the last Sync that came back
	syncs       []syncPoint
}

// syncPoint is a Sync sent and not yet waited for: its reply confirms n
// calls.
type syncPoint struct {
	pc *pendingCall
	n  int
}

// Send calls method on the object without waiting: when it returns, the
// call is on its way (buffered, or written). It blocks only while
// oneWayWindow calls on the object's stream are unconfirmed. It returns an
// error for a call that could not be sent (the proxy expired, the stream
// is known to be broken, the arguments do not encode); a failure on the
// far side is logged, with the method, and counted in Stats.OneWayFailed,
// and calls a stream that breaks later leaves unconfirmed are logged and
// counted in Stats.OneWayLost.
func (p *Proxy) Send(method string, args interface{}) error {
	name := p.svc + "." + method
	if err := p.link.send(name, args); err != nil {
		return p.failure(name, err)
	}
	return nil
}

// send sends a one-way call on the link's stream.
func (l *link) send(method string, args interface{}) error {
	cl, err := l.client()
	if err != nil {
		return err
	}
	l.ow.mu.Lock()
	defer l.ow.mu.Unlock()
	if err := cl.sendOneWay(method, args); err != nil {
		return err
	}
	l.ow.unsynced++
	l.ow.unconfirmed++
	if l.ow.unsynced < syncEvery {
		return nil
	}
	if err := l.sync(cl); err != nil {
		return err
	}
	if len(l.ow.syncs) > 1 {
		return l.confirm(cl)
	}
	return nil
}

// sync sends a Sync for the calls sent since the last one. ow.mu is held.
func (l *link) sync(cl *client) error {
	pc, err := cl.send(runtimeService+".Sync", &NoArgs{}, new(Empty))
	if err != nil {
		l.lost(err)
		return err
	}
	l.ow.syncs = append(l.ow.syncs, syncPoint{pc: pc, n: l.ow.unsynced})
	l.ow.unsynced = 0
	return nil
}

// confirm waits for the oldest Sync outstanding. ow.mu is held.
func (l *link) confirm(cl *client) error {
	sp := l.ow.syncs[0]
	l.ow.syncs = l.ow.syncs[1:]
	if err := cl.wait(sp.pc); err != nil {
		l.lost(err)
		return err
	}
	l.ow.unconfirmed -= sp.n
	return nil
}

// flush waits until every one-way call sent on the link has run on the
// far side, or the stream broke (the calls unconfirmed are then reported
// as possibly lost). It does nothing for a link that sent none.
func (l *link) flush() {
	l.mu.Lock()
	cl := l.cl
	l.mu.Unlock()
	if cl == nil {
		return
	}
	l.ow.mu.Lock()
	defer l.ow.mu.Unlock()
	if l.ow.unsynced > 0 && l.sync(cl) != nil {
		return
	}
	for len(l.ow.syncs) > 0 {
		if l.confirm(cl) != nil {
			return
		}
	}
}

// lost reports the unconfirmed one-way calls of a broken stream. ow.mu is
// held.
func (l *link) lost(err error) {
	if n := l.ow.unconfirmed; n > 0 {
		l.c.oneWayLost.Add(int64(n))
		l.c.log.Warn("objrpc: one-way calls may be lost", "object", l.id, "calls", n, "err", err)
	}
	l.ow.unsynced, l.ow.unconfirmed, l.ow.syncs = 0, 0, nil
}

// oneWayFailed logs and counts a one-way call the peer reported failed.
func (c *Conn) oneWayFailed(method string, err error) {
	c.oneWayFails.Add(1)
	c.log.Warn("objrpc: one-way call failed", "method", method, "err", err)
}

// runOneWay runs a one-way request on the reading goroutine, and answers
// only a failure. One-way calls are quick by nature and leave Running
// alone, which keeps them cheap.
func (s *streamServer) runOneWay(req *request) {
	call := &Call{conn: s.c, obj: s.o, ctx: s.o.life, method: req.h.ServiceMethod}
	if s.c.logCalls {
		call.start = time.Now()
	}
	reply := reflect.New(req.m.replyType)
	werr := invoke(call, req, reply)
	if call.in != nil {
		call.in.Close()
	}
	if werr == nil {
		werr = reply.Interface().(Reply).result().Err
	}
	if werr != nil {
		s.respond(&req.h, &Empty{Result{werr}})
	}
	if s.c.logCalls {
		s.c.logCall("served one-way", call.method, call.start, DecodeError(werr))
	}
}

// refuseOneWay reports a one-way request the server could not take.
func (s *streamServer) refuseOneWay(h *msgpack.RequestHeader, err error) {
	s.respond(h, &Empty{Result{EncodeError(fmt.Errorf("%s: %w", err.Error(), ErrProtocol))}})
}
