package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"testing"
	"time"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/mux"
)

// Between the floors and muxplug: package mux alone, over the floor
// child's connection in modeMux. Stream 0 echoes (a broker stream's
// ping-pong), stream 1 serves net/rpc with the msgpack codec (package
// codec on a mux stream, no objrpc, packer/remote or plugin), stream 2
// sends bulk. They
// show what each layer adds to the yamux floor, and what the stream window
// does to bulk.

// modeMux runs a mux.Server with the Config.StreamWindow of the 4-byte
// big-endian number after the mode byte: stream 0 echoes, stream 1 serves
// Echo.Echo, stream 2 is in modeBulk.
const modeMux = 'm'

// Echo is the net/rpc service of the mux-rpc contender.
type Echo struct{}

// Echo returns its argument.
func (Echo) Echo(in []byte, out *[]byte) error {
	*out = in
	return nil
}

// serveMux serves c in modeMux until the connection ends.
func serveMux(c net.Conn) {
	var window [4]byte
	if _, err := io.ReadFull(c, window[:]); err != nil {
		return
	}
	b, err := mux.Server(c, &mux.Config{StreamWindow: binary.BigEndian.Uint32(window[:])})
	if err != nil {
		return
	}
	defer b.Close()
	srv := rpc.NewServer()
	srv.Register(Echo{})
	ctx := context.Background()
	go func() {
		if st, err := b.Accept(ctx, 1); err == nil {
			srv.ServeCodec(codec.NewServerCodec(st))
		}
	}()
	go func() {
		if st, err := b.Accept(ctx, 2); err == nil {
			sendBulk(st)
		}
	}()
	if st, err := b.Accept(ctx, 0); err == nil {
		echo(st)
	}
	<-b.Done()
}

// muxFloor is the host's broker on a floor child's connection in modeMux,
// both ends with the given stream window (0 for the default).
func muxFloor(b *testing.B, f *floor, window uint32) *mux.Broker {
	c := f.dial(b, modeMux)
	if err := binary.Write(c, binary.BigEndian, window); err != nil {
		b.Fatal(err)
	}
	br, err := mux.Client(c, &mux.Config{StreamWindow: window})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	return br
}

// muxStream dials id on br and sends the stream header at once.
func muxStream(b *testing.B, br *mux.Broker, id uint32) net.Conn {
	st, err := br.Dial(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Write(nil); err != nil {
		b.Fatal(err)
	}
	return st
}

// muxEcho is a ping-pong on the broker's stream 0.
func muxEcho(b *testing.B, br *mux.Broker, times int) func(int) (time.Duration, error) {
	return pingPonger(muxStream(b, br, 0), times)
}

// muxBulk receives bulk on the broker's stream 2.
func muxBulk(b *testing.B, br *mux.Broker) func(int) (time.Duration, error) {
	return bulkReceiver(muxStream(b, br, 2))
}

// muxRPC is a net/rpc call of pingSize bytes on the broker's stream 1.
func muxRPC(b *testing.B, br *mux.Broker) func(int) (time.Duration, error) {
	st, err := br.Dial(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	c := rpc.NewClientWithCodec(codec.NewClientCodec(st))
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
