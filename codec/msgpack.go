package codec

import (
	"errors"
	"fmt"
	"io"
	"net/rpc"

	"github.com/muxplug/muxplug/internal/msgpack"
)

// MaxMessageSize is the largest frame, header and body together, that a
// codec writes or accepts. A peer that announces a larger frame gets an
// error wrapping ErrTooLarge before anything is allocated for it. Bulk data
// does not travel in RPC messages (muxplug gives it a stream of its own), so
// the limit only stops hostile or corrupt peers.
const MaxMessageSize = msgpack.MaxMessageSize

type clientCodec struct {
	*msgpack.Conn
	resp msgpack.ResponseHeader // owned by the reading goroutine
}

// NewClientCodec returns a net/rpc ClientCodec that speaks msgpack frames on
// rwc. Pass it to rpc.NewClientWithCodec. The codec owns rwc: closing the
// codec (which rpc.Client.Close does) closes rwc; Close is idempotent.
//
// As net/rpc requires, WriteRequest may be called concurrently with the
// reading methods, and ReadResponseHeader and ReadResponseBody are called in
// pairs from one goroutine. Each request leaves in a single Write on rwc.
// The package documentation states the contract in full.
func NewClientCodec(rwc io.ReadWriteCloser) rpc.ClientCodec {
	return &clientCodec{Conn: msgpack.NewConn(rwc)}
}

func (c *clientCodec) WriteRequest(r *rpc.Request, body interface{}) error {
	return c.WriteMessage(&msgpack.RequestHeader{ServiceMethod: r.ServiceMethod, Seq: r.Seq}, body)
}

func (c *clientCodec) ReadResponseHeader(r *rpc.Response) error {
	c.resp = msgpack.ResponseHeader{}
	if err := c.ReadHeader(&c.resp); err != nil {
		return err
	}
	r.ServiceMethod = c.resp.ServiceMethod
	r.Seq = c.resp.Seq
	r.Error = c.resp.Error
	return nil
}

func (c *clientCodec) ReadResponseBody(body interface{}) error { return c.ReadBody(body) }

type serverCodec struct {
	*msgpack.Conn
	req msgpack.RequestHeader // owned by the reading goroutine
}

// NewServerCodec returns a net/rpc ServerCodec that speaks msgpack frames on
// rwc. Pass it to rpc.ServeCodec or (*rpc.Server).ServeCodec. The codec owns
// rwc: Close closes it, and is idempotent.
//
// As net/rpc requires, WriteResponse may be called concurrently from many
// goroutines (net/rpc serialises them) while one goroutine reads request
// headers and bodies in pairs. Each response leaves in a single Write.
// A reply that cannot be encoded (for example one larger than
// MaxMessageSize) is replaced by an error response for the same call, so
// the caller gets an rpc.ServerError instead of waiting for ever;
// WriteResponse still returns the encoding error. The package
// documentation states the contract in full.
func NewServerCodec(rwc io.ReadWriteCloser) rpc.ServerCodec {
	return &serverCodec{Conn: msgpack.NewConn(rwc)}
}

func (c *serverCodec) ReadRequestHeader(r *rpc.Request) error {
	c.req = msgpack.RequestHeader{}
	if err := c.ReadHeader(&c.req); err != nil {
		return err
	}
	r.ServiceMethod = c.req.ServiceMethod
	r.Seq = c.req.Seq
	return nil
}

func (c *serverCodec) ReadRequestBody(body interface{}) error { return c.ReadBody(body) }

func (c *serverCodec) WriteResponse(r *rpc.Response, body interface{}) error {
	h := &msgpack.ResponseHeader{ServiceMethod: r.ServiceMethod, Seq: r.Seq, Error: r.Error}
	err := c.WriteMessage(h, body)
	var encErr *msgpack.EncodeError
	if !errors.As(err, &encErr) {
		return err
	}
	// net/rpc drops a response it fails to write, and the caller would
	// wait for it forever; send the caller the failure instead.
	h.Error = fmt.Sprintf("codec: cannot send the reply to %s: %v", r.ServiceMethod, err)
	if werr := c.WriteMessage(h, nil); werr != nil {
		return werr
	}
	return err
}
