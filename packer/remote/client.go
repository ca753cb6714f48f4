package remote

import (
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"sync"

	"github.com/muxplug/muxplug/codec"
)

// rpcConn is how a peer sends calls: a net/rpc client of the object's
// stream. start sends a request and returns a function that waits for its
// reply; a caller that does not want the reply (a Cancel) never calls it.
type rpcConn interface {
	start(method string, args, reply interface{}) (wait func() error)
	close()
}

// stdConn adapts a *rpc.Client given by the user (a main component's).
type stdConn struct{ c *rpc.Client }

func (s stdConn) start(method string, args, reply interface{}) func() error {
	call := s.c.Go(method, args, reply, make(chan *rpc.Call, 1))
	return func() error { return (<-call.Done).Error }
}

func (s stdConn) close() { s.c.Close() }

// syncClient is a net/rpc client, speaking the same protocol as
// rpc.Client over a codec, that has no goroutine of its own: the callers
// waiting for replies take turns reading the stream (one at a time holds
// the reader token, reads replies and hands each to its caller until its
// own has come). An object's proxy that waits for no reply costs no
// goroutine, and a reply reaches its caller without a hand-off when only
// one call is in flight, the common case.
//
// It is safe for concurrent use. After a transport failure or close, every
// pending and later call fails with the same error.
type syncClient struct {
	codec  rpc.ClientCodec
	reader chan struct{} // capacity 1: holding a slot is the right to read
	wmu    sync.Mutex    // serialises WriteRequest and guards req
	req    rpc.Request

	mu      sync.Mutex // guards the fields below
	seq     uint64
	pending map[uint64]*pendingCall
	err     error // set once the client is broken or closed
}

// pendingCall is a call whose reply has not been read yet.
type pendingCall struct {
	seq   uint64
	reply interface{}
	err   error
	done  chan struct{} // closed when err and reply are final
}

func newSyncClient(conn io.ReadWriteCloser) *syncClient {
	return &syncClient{
		codec:   codec.NewClientCodec(conn),
		reader:  make(chan struct{}, 1),
		pending: make(map[uint64]*pendingCall),
	}
}

func (c *syncClient) start(method string, args, reply interface{}) func() error {
	pc, err := c.send(method, args, reply)
	if err != nil {
		return func() error { return err }
	}
	return func() error { return c.wait(pc) }
}

// send sends a request and returns the call that waits for its reply.
func (c *syncClient) send(method string, args, reply interface{}) (*pendingCall, error) {
	pc := &pendingCall{reply: reply, done: make(chan struct{})}
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	c.seq++
	pc.seq = c.seq
	c.pending[pc.seq] = pc
	c.mu.Unlock()

	c.wmu.Lock()
	c.req = rpc.Request{ServiceMethod: method, Seq: pc.seq}
	err := c.codec.WriteRequest(&c.req, args)
	c.wmu.Unlock()
	if err != nil {
		c.mu.Lock()
		delete(c.pending, pc.seq)
		c.mu.Unlock()
		return nil, err
	}
	return pc, nil
}

// abandon gives up on pc with err unless its reply is already being read;
// it reports whether it did. A reply that arrives later is discarded.
func (c *syncClient) abandon(pc *pendingCall, err error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[pc.seq] != pc {
		return false
	}
	delete(c.pending, pc.seq)
	pc.err = err
	close(pc.done)
	return true
}

// wait waits for pc's reply, reading the stream whenever no other caller
// does.
func (c *syncClient) wait(pc *pendingCall) error {
	for {
		select {
		case <-pc.done:
			return pc.err
		case c.reader <- struct{}{}:
			c.readUntil(pc)
			<-c.reader
		}
	}
}

// readUntil reads replies, handing each to its caller, until pc is done.
// The caller holds the reader slot.
func (c *syncClient) readUntil(pc *pendingCall) {
	for {
		select {
		case <-pc.done:
			return
		default:
		}
		if err := c.readOne(); err != nil {
			c.fail(err)
			return
		}
	}
}

// readOne reads one reply and completes its call.
func (c *syncClient) readOne() error {
	var resp rpc.Response
	if err := c.codec.ReadResponseHeader(&resp); err != nil {
		return err
	}
	c.mu.Lock()
	pc := c.pending[resp.Seq]
	delete(c.pending, resp.Seq)
	c.mu.Unlock()
	var body interface{}
	if pc != nil && resp.Error == "" {
		body = pc.reply
	}
	err := c.codec.ReadResponseBody(body)
	if pc == nil {
		return err // a reply nobody waits for; a body error breaks the stream
	}
	switch {
	case resp.Error != "":
		pc.err = rpc.ServerError(resp.Error)
	case err != nil:
		pc.err = fmt.Errorf("remote: reading body: %w", err)
	}
	close(pc.done)
	return nil
}

// fail breaks the client with err: every pending call fails with it, as
// does every later one.
func (c *syncClient) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		c.err = err
	}
	err = c.err
	pending := c.pending
	c.pending = make(map[uint64]*pendingCall)
	c.mu.Unlock()
	for _, pc := range pending {
		pc.err = err
		close(pc.done)
	}
}

// close closes the stream; pending and later calls fail with
// rpc.ErrShutdown.
func (c *syncClient) close() {
	c.mu.Lock()
	if c.err == nil {
		c.err = rpc.ErrShutdown
	}
	c.mu.Unlock()
	c.codec.Close() // wakes a reader, which fails what is pending
	c.fail(rpc.ErrShutdown)
}
