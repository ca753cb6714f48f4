package bench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/rpc"
	"testing"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// Between the floors and muxplug: package mux alone, over the floor
// child's connection in modeMux. Stream 0 echoes (a broker stream's
// ping-pong), stream 1 serves net/rpc with the msgpack codec (mux.ServeRPC
// and mux.DialRPC, no packer/remote or plugin). They show what each layer
// adds to the yamux floor.

const modeMux = 'm' // run a mux.Server: stream 0 echoes, stream 1 serves Echo.Echo

// Echo is the net/rpc service of the mux-rpc contender.
type Echo struct{}

// Echo returns its argument.
func (Echo) Echo(in []byte, out *[]byte) error {
	*out = in
	return nil
}

// serveMux serves c in modeMux until the connection ends.
func serveMux(c net.Conn) {
	b, err := mux.Server(c, nil)
	if err != nil {
		return
	}
	defer b.Close()
	srv := rpc.NewServer()
	srv.Register(Echo{})
	go b.ServeRPC(context.Background(), 1, srv)
	if st, err := b.Accept(context.Background(), 0); err == nil {
		echo(st)
	}
	<-b.Done()
}

// muxFloor is the host's broker on a floor child's connection in modeMux.
func muxFloor(b *testing.B, f *floor) *mux.Broker {
	br, err := mux.Client(f.dial(b, modeMux), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	return br
}

// muxEcho is a ping-pong on the broker's stream 0.
func muxEcho(b *testing.B, br *mux.Broker, times int) func(int) (time.Duration, error) {
	st, err := br.Dial(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return pingPonger(st, times)
}

// muxRPC is a net/rpc call of pingSize bytes on the broker's stream 1.
func muxRPC(b *testing.B, br *mux.Broker) func(int) (time.Duration, error) {
	c, err := br.DialRPC(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	in := bytes.Repeat([]byte{'p'}, pingSize)
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			var out []byte
			if err := c.Call("Echo.Echo", in, &out); err != nil {
				return err
			}
			if !bytes.Equal(out, in) {
				return fmt.Errorf("Echo.Echo: got %q", out)
			}
		}
		return nil
	})
}
