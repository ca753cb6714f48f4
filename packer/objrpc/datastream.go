package objrpc

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// DataStream is a raw byte stream this side serves for one call (a
// transfer, or one of a command's stdio streams): the peer dials its ID,
// and fn, given to ServeData, runs on the stream on a goroutine of its
// own. Until the peer dials, it costs no goroutine.
type DataStream struct {
	o  *object
	fn func(net.Conn) error

	started chan struct{} // closed when the peer dialed and fn began
	done    chan struct{} // closed when fn has returned
	err     error         // fn's error; read after done

	mu   sync.Mutex // guards conn
	conn net.Conn
	once sync.Once // starts fn
}

// ServeData serves a byte stream on a fresh id: fn runs once the peer has
// dialed it, and the stream is closed when fn returns. Only the first dial
// is served. Finish must end every DataStream.
func (c *Conn) ServeData(fn func(conn net.Conn) error) (*DataStream, error) {
	d := &DataStream{fn: fn, started: make(chan struct{}), done: make(chan struct{})}
	d.o = newObject(c, 0, nil, nil, c.life, nil)
	d.o.data = d
	if err := c.register(d.o); err != nil {
		return nil, err
	}
	return d, nil
}

// ID returns the id the peer dials.
func (d *DataStream) ID() uint32 { return d.o.id }

// attach runs fn on the first stream dialed to d; later ones, and any
// that arrives once d has been abandoned, are closed.
func (d *DataStream) attach(conn net.Conn) {
	started := false
	d.once.Do(func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.o.life.Err() == nil {
			d.conn, started = conn, true
			close(d.started)
		}
	})
	if !started {
		conn.Close()
		return
	}
	go func() { // owned by the DataStream's owner, who waits in Finish
		defer close(d.done)
		d.err = d.fn(conn)
		conn.Close()
	}()
}

// abort closes the stream, which wakes fn if it is blocked on it; the
// object has stopped, so no stream starts fn any more.
func (d *DataStream) abort() {
	d.once.Do(func() {}) // no dial starts fn from now on
	d.mu.Lock()
	conn := d.conn
	d.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Finish ends the stream and returns fn's error. With abort it first
// abandons the stream: the call is over, whatever fn was doing. Without,
// the call succeeded, so the peer has dialed (or does within
// Options.DataTimeout, after which the stream is abandoned) and fn runs
// to the end of the stream.
func (d *DataStream) Finish(abort bool) error {
	if !abort {
		t := time.NewTimer(d.o.c.dataTTL)
		select {
		case <-d.started:
		case <-t.C:
		case <-d.o.life.Done():
		}
		t.Stop()
		select {
		case <-d.started:
			<-d.done
		default:
		}
	}
	d.o.stop()
	select {
	case <-d.started:
		<-d.done
		return d.err
	default:
		return nil // never dialed: nothing was moved
	}
}

// Abort abandons the stream without waiting for fn, which returns once
// what it blocks on (a Read of its own source, say) does.
func (d *DataStream) Abort() { d.o.stop() }

// DialData dials the peer's byte stream id for a served call running with
// ctx, and announces the dial at once. The stream is closed when ctx ends,
// which wakes any Read or Write blocked on it; release closes it and stops
// watching ctx.
func (c *Conn) DialData(ctx context.Context, id uint32) (conn net.Conn, release func(), err error) {
	conn, err = c.b.Dial(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.Write(nil); err != nil {
		conn.Close()
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return conn, func() { stop(); conn.Close() }, nil
}

// IsLocal reports whether err is a failure of this side's own reader or
// writer (a SourceError or SinkError), rather than of the stream or the
// peer.
func IsLocal(err error) bool {
	var se *SourceError
	var ke *SinkError
	return errors.As(err, &se) || errors.As(err, &ke)
}
