package objrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/muxplug/muxplug/internal/msgpack"
)

// errShutdown is the error of calls on a client that was closed.
var errShutdown = errors.New("objrpc: client closed")

// client sends calls on one stream and has no goroutine of its own: the
// callers waiting for replies take turns reading the stream (one at a
// time holds the reader token, reads replies and hands each to its caller
// until its own has come). A proxy that waits for no reply costs no
// goroutine, and a reply reaches its caller without a hand-off when only
// one call is in flight, the common case.
//
// The protocol is net/rpc's, framed by package msgpack: a request is
// {ServiceMethod, Seq} and the argument; a response is {ServiceMethod,
// Seq, Error} and the reply. Seq numbers start at 1; a request with Seq 0
// is one-way: the server answers it only if it fails, with a response of
// Seq 0 that the reader hands to failed.
//
// It is safe for concurrent use. After a transport failure or close, every
// pending and later call fails with the same error.
type client struct {
	mc     *msgpack.Conn
	reader chan struct{}                  // capacity 1: holding a slot is the right to read
	failed func(method string, err error) // reports a one-way call's failure; never nil
	wg     *sync.WaitGroup                // counts the flusher goroutine (the Conn's)

	// One-way requests leave through a buffer that a flusher goroutine,
	// started when the buffer fills from empty, writes in as few Writes as
	// it can; a waited-for request is written only once every one-way
	// request buffered before it has been.
	omu      sync.Mutex // guards the fields below
	ofree    *sync.Cond // on omu: the flusher has written something
	obuf     []byte     // one-way requests not written yet
	ospare   []byte     // the flusher's last buffer, for reuse
	flushing bool       // the flusher runs
	queued   int64      // bytes ever appended to obuf
	written  int64      // bytes of those written (or dropped by a failed write)

	mu      sync.Mutex // guards the fields below
	seq     uint64
	pending map[uint64]*pendingCall
	err     error // set once the client is broken or closed
}

// pendingCall is a call whose reply has not been read yet.
type pendingCall struct {
	seq    uint64
	method string
	reply  interface{}
	err    error
	done   chan struct{} // closed when err and reply are final
}

func newClient(conn io.ReadWriteCloser, failed func(method string, err error), wg *sync.WaitGroup) *client {
	c := &client{
		mc:      msgpack.NewConn(conn),
		failed:  failed,
		wg:      wg,
		reader:  make(chan struct{}, 1),
		pending: make(map[uint64]*pendingCall),
	}
	c.ofree = sync.NewCond(&c.omu)
	return c
}

// call sends a request and waits for its reply.
func (c *client) call(method string, args, reply interface{}) error {
	pc, err := c.send(method, args, reply)
	if err != nil {
		return err
	}
	return c.wait(pc)
}

// send sends a request and returns the call that waits for its reply. A
// request that cannot be encoded fails with an *msgpack.EncodeError and
// leaves the stream usable.
func (c *client) send(method string, args, reply interface{}) (*pendingCall, error) {
	pc := &pendingCall{method: method, reply: reply, done: make(chan struct{})}
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

	c.drain()
	err := c.mc.WriteMessage(&msgpack.RequestHeader{ServiceMethod: method, Seq: pc.seq}, args)
	if err != nil {
		c.mu.Lock()
		delete(c.pending, pc.seq)
		c.mu.Unlock()
		var enc *msgpack.EncodeError
		if !errors.As(err, &enc) {
			c.fail(err) // the stream is broken
		}
		return nil, err
	}
	return pc, nil
}

// maxBuffered is how many bytes of one-way requests may wait for the
// flusher before sendOneWay waits too.
const maxBuffered = 256 << 10

// sendOneWay queues a one-way request: no reply comes unless it fails. It
// returns once the request is buffered, unless maxBuffered bytes are
// waiting already. A request that cannot be encoded fails with an
// *msgpack.EncodeError.
func (c *client) sendOneWay(method string, args interface{}) error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	c.omu.Lock()
	defer c.omu.Unlock()
	for len(c.obuf) >= maxBuffered && c.flushing {
		c.ofree.Wait()
	}
	n := len(c.obuf)
	if c.obuf, err = msgpack.AppendMessage(c.obuf, &msgpack.RequestHeader{ServiceMethod: method}, args); err != nil {
		return err
	}
	c.queued += int64(len(c.obuf) - n)
	if !c.flushing {
		c.flushing = true
		c.wg.Add(1)
		go c.flush()
	}
	return nil
}

// flush writes the buffered one-way requests until none are left. A
// failed write breaks the client.
func (c *client) flush() {
	defer c.wg.Done()
	c.omu.Lock()
	for len(c.obuf) > 0 {
		buf := c.obuf
		c.obuf = c.ospare[:0]
		c.omu.Unlock()
		err := c.mc.WriteFrames(buf)
		c.omu.Lock()
		c.written += int64(len(buf))
		c.ospare = buf
		c.ofree.Broadcast()
		if err != nil {
			c.omu.Unlock()
			c.fail(err)
			c.omu.Lock()
		}
	}
	c.flushing = false
	c.ofree.Broadcast()
	c.omu.Unlock()
}

// drain waits until every one-way request buffered so far has been
// written, so that a request written next cannot overtake them.
func (c *client) drain() {
	c.omu.Lock()
	defer c.omu.Unlock()
	for target := c.queued; c.written < target; {
		c.ofree.Wait()
	}
}

// waitContext waits for pc's reply until ctx ends, then gives up on it with
// context.Cause(ctx) unless its reply is already being read. Waiting on a
// ctx that can end costs a goroutine until the reply arrives or the stream
// ends.
func (c *client) waitContext(ctx context.Context, pc *pendingCall) error {
	if ctx.Done() == nil {
		return c.wait(pc)
	}
	done := make(chan struct{})
	go func() {
		c.wait(pc)
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		if c.abandon(pc, context.Cause(ctx)) {
			return pc.err
		}
		<-done
	}
	return pc.err
}

// abandon gives up on pc with err unless its reply is already being read;
// it reports whether it did. A reply that arrives later is discarded.
func (c *client) abandon(pc *pendingCall, err error) bool {
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
func (c *client) wait(pc *pendingCall) error {
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
func (c *client) readUntil(pc *pendingCall) {
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
func (c *client) readOne() error {
	var resp msgpack.ResponseHeader
	if err := c.mc.ReadHeader(&resp); err != nil {
		return err
	}
	if resp.Seq == 0 {
		return c.readFailure(&resp)
	}
	c.mu.Lock()
	pc := c.pending[resp.Seq]
	delete(c.pending, resp.Seq)
	c.mu.Unlock()
	var body interface{}
	if pc != nil && resp.Error == "" {
		body = pc.reply
	}
	err := c.mc.ReadBody(body)
	if pc == nil {
		return err // a reply nobody waits for; a body error breaks the stream
	}
	switch {
	case resp.Error != "":
		pc.err = fmt.Errorf("objrpc: %s: the peer refused the call: %s: %w", pc.method, resp.Error, ErrProtocol)
	case err != nil:
		pc.err = fmt.Errorf("objrpc: %s: reply: %w: %w", pc.method, ErrProtocol, err)
	}
	close(pc.done)
	return nil
}

// readFailure reads the report of a one-way call that failed.
func (c *client) readFailure(resp *msgpack.ResponseHeader) error {
	var reply Empty
	if err := c.mc.ReadBody(&reply); err != nil {
		return err
	}
	err := DecodeError(reply.Err)
	if resp.Error != "" {
		err = fmt.Errorf("objrpc: %s: the peer refused the call: %s: %w", resp.ServiceMethod, resp.Error, ErrProtocol)
	}
	c.failed(resp.ServiceMethod, err)
	return nil
}

// fail breaks the client with err: every pending call fails with it, as
// does every later one.
func (c *client) fail(err error) {
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
// errShutdown.
func (c *client) close() {
	c.mu.Lock()
	if c.err == nil {
		c.err = errShutdown
	}
	c.mu.Unlock()
	c.mc.Close() // wakes a reader, which fails what is pending
	c.fail(errShutdown)
}
