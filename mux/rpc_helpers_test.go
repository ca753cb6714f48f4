package mux

import (
	"context"
	"net/rpc"

	"github.com/muxplug/muxplug/codec"
)

// The tests and benchmarks of net/rpc over a stream: net/rpc with the
// msgpack codec of package codec, as a user who brings their own RPC would
// run it.

// serveRPC accepts the stream the peer dials to id (see Accept; ctx and
// Config.BrokerTimeout bound only that wait) and serves srv on it with the
// msgpack codec until the stream ends: until the peer closes its client,
// the broker closes, or the connection fails. It returns the Accept error,
// or nil once the stream has ended; the stream is closed on return.
//
// Call it on its own goroutine before sending id to the peer.
func serveRPC(ctx context.Context, b *Broker, id uint32, srv *rpc.Server) error {
	conn, err := b.Accept(ctx, id)
	if err != nil {
		return err
	}
	srv.ServeCodec(codec.NewServerCodec(conn))
	return nil
}

// dialRPC dials the peer's id (see Dial) and returns a net/rpc client
// speaking the msgpack codec over the stream. Like Dial it does not wait
// for the peer: the stream header leaves with the first call, and a call to
// an id the peer does not accept fails with an error wrapping ErrRejected.
// The peer's Accept (serveRPC) completes only when that first call
// arrives, so the first call must come within the peer's BrokerTimeout of
// its Accept. Closing the client closes the stream.
func dialRPC(ctx context.Context, b *Broker, id uint32) (*rpc.Client, error) {
	conn, err := b.Dial(ctx, id)
	if err != nil {
		return nil, err
	}
	return rpc.NewClientWithCodec(codec.NewClientCodec(conn)), nil
}
