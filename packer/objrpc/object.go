package objrpc

import (
	"context"
	"io"
	"net"
	"sync"

	"github.com/muxplug/muxplug/mux"
)

// object is one object this side serves under an id: a service, the
// main object's services, or a byte stream. Its lifetime is life; stop
// ends it.
type object struct {
	c     *Conn
	id    uint32
	value interface{}           // what was exported, for references handed back
	svc   *service              // its service; nil for the main object and byte streams
	find  func(string) *service // the main object's services; nil otherwise
	data  *DataStream           // non-nil for a byte stream
	life  context.Context       // ends with stop, the scope or the Conn
	end   context.CancelFunc
	scope *Scope // the scope it belongs to; nil for releasable and main objects

	mu      sync.Mutex // guards streams and ended
	streams map[net.Conn]struct{}
	ended   bool
	work    sync.WaitGroup // its stream servers and the calls they run
	closed  sync.Once      // closes the receiver
}

func newObject(c *Conn, id uint32, value interface{}, svc *service, parent context.Context, scope *Scope) *object {
	life, end := context.WithCancel(parent)
	return &object{c: c, id: id, value: value, svc: svc, life: life, end: end, scope: scope}
}

// service returns the service called name on o, or nil.
func (o *object) service(name string) *service {
	switch {
	case o.find != nil:
		return o.find(name)
	case o.svc != nil && o.svc.name == name:
		return o.svc
	}
	return nil
}

// register gives o a fresh id, enters it in c's table and makes the
// streams the peer dials to it reach it.
func (c *Conn) register(o *object) error {
	o.id = c.b.NextID()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		o.end()
		return c.transportError("serve an object", mux.ErrClosed)
	}
	c.objects[o.id] = o
	c.mu.Unlock()
	if err := c.l.Add(o.id); err != nil {
		o.stop()
		return c.transportError("serve an object", err)
	}
	return nil
}

// attach serves a stream the peer dialed to o on the calling goroutine,
// whose count in c.wg it takes over. A nil o (the id is not served, or no
// longer) gets a server that answers every call with ErrExpired.
func (c *Conn) attach(o *object, s net.Conn) {
	if o != nil && o.data != nil {
		o.data.attach(s)
		c.wg.Done()
		return
	}
	if o != nil {
		o.mu.Lock()
		if o.ended {
			o.mu.Unlock()
			o = nil
		} else {
			if o.streams == nil {
				o.streams = make(map[net.Conn]struct{})
			}
			o.streams[s] = struct{}{}
			o.work.Add(1)
			o.mu.Unlock()
		}
	}
	newStreamServer(c, o, s).serve()
}

// detach forgets a stream whose server has ended.
func (o *object) detach(s net.Conn) {
	o.mu.Lock()
	delete(o.streams, s)
	o.mu.Unlock()
}

// stop ends o's lifetime: the calls running in it see their contexts end,
// it leaves the table, and its streams close. It does not wait; o.work
// counts what is still running.
func (o *object) stop() {
	o.mu.Lock()
	if o.ended {
		o.mu.Unlock()
		return
	}
	o.ended = true
	streams := o.streams
	o.streams = nil
	o.mu.Unlock()
	o.end()
	c := o.c
	c.mu.Lock()
	if c.objects[o.id] == o {
		delete(c.objects, o.id)
	}
	c.mu.Unlock()
	c.l.Remove(o.id)
	for s := range streams {
		s.Close()
	}
	if o.data != nil {
		o.data.abort()
	}
}

// closeReceiver closes o's receiver if it is an io.Closer, once, after
// o has stopped and its work is over.
func (o *object) closeReceiver() {
	if o.svc == nil {
		return
	}
	o.closed.Do(func() {
		if cl, ok := o.svc.rcvr.Interface().(io.Closer); ok {
			_ = cl.Close()
		}
	})
}

// finish stops o, waits for its work and closes its receiver.
func (o *object) finish() {
	o.stop()
	o.work.Wait()
	o.closeReceiver()
}
