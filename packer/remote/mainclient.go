package remote

import (
	"context"
	"io"
	"net/rpc"
)

// Caller is the client side of the stream a main component is served on,
// as the New functions take it: a *Client, or a *rpc.Client speaking the
// same protocol (package codec). A *Client costs the fewest goroutine
// hand-offs; an *rpc.Client one more per call (its reading goroutine);
// any other Caller one goroutine per call.
type Caller interface {
	Call(serviceMethod string, args, reply interface{}) error
}

// Client is a net/rpc client of one stream, speaking the protocol of an
// rpc.Client that uses package codec, without a goroutine of its own: the
// callers waiting for replies take turns reading the stream, so a reply
// usually reaches its caller without a hand-off. It is the client of
// choice for the main stream (see Caller); Server is its counterpart.
//
// A Client is safe for concurrent use. After a transport failure every
// pending and later call fails with that error; after Close, with
// rpc.ErrShutdown. The zero value is not usable; call NewClient.
type Client struct{ sc *syncClient }

// NewClient returns a Client of the stream conn, which it owns: Close
// closes it. It does not block.
func NewClient(conn io.ReadWriteCloser) *Client {
	return &Client{sc: newSyncClient(conn)}
}

// Call calls serviceMethod with args and stores its result in reply. It
// blocks until the reply arrives or the stream fails or is closed. An
// error returned by the remote method is an rpc.ServerError, as with an
// rpc.Client.
func (c *Client) Call(serviceMethod string, args, reply interface{}) error {
	return c.sc.start(serviceMethod, args, reply)()
}

// CallContext is Call, but stops waiting when ctx ends and then returns
// context.Cause(ctx) (unless the reply is already being read, which it
// then waits for). A reply that arrives after that is discarded: reply is
// not touched once CallContext has returned. A ctx that has already ended
// sends nothing. Waiting on a ctx that can end costs a goroutine until the
// reply arrives or the stream ends.
func (c *Client) CallContext(ctx context.Context, serviceMethod string, args, reply interface{}) error {
	if ctx.Done() == nil {
		return c.Call(serviceMethod, args, reply)
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	pc, err := c.sc.send(serviceMethod, args, reply)
	if err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		c.sc.wait(pc)
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		if c.sc.abandon(pc, context.Cause(ctx)) {
			return pc.err
		}
		<-done
	}
	return pc.err
}

// Close closes the stream. Pending and later calls fail with
// rpc.ErrShutdown. It is idempotent and safe for concurrent use.
func (c *Client) Close() error {
	c.sc.close()
	return nil
}

// mainConn returns the rpcConn that makes a main component's calls
// through c.
func mainConn(c Caller) rpcConn {
	switch c := c.(type) {
	case *Client:
		return clientConn{c.sc}
	case *rpc.Client:
		return stdConn{c}
	}
	return callerConn{c}
}

// clientConn is a Client given by the user: never closed here.
type clientConn struct{ *syncClient }

func (clientConn) close() {}

// callerConn adapts any other Caller: each call runs on a goroutine of its
// own, which ends with the call.
type callerConn struct{ c Caller }

func (a callerConn) start(method string, args, reply interface{}) func() error {
	done := make(chan error, 1)
	go func() { done <- a.c.Call(method, args, reply) }()
	return func() error { return <-done }
}

func (callerConn) close() {}
