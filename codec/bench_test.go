package codec

import (
	"bytes"
	"io"
	"net/rpc"
	"testing"
)

// benchCalls are the message sizes of the encode and decode benchmarks.
var benchCalls = []struct {
	name string
	args Payload
}{
	{"small", Payload{Name: "provisioner-1", N: 42}},
	{"4KB", Payload{Name: "upload", Data: bytes.Repeat([]byte{0xab}, 4<<10), N: 4 << 10}},
}

// discardConn is a ReadWriteCloser that drops what is written.
type discardConn struct{ io.Reader }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }
func (discardConn) Close() error                { return nil }

// loopReader returns the same bytes over and over.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}

// BenchmarkEncode measures WriteRequest into a connection that drops the
// bytes: encoding and framing only.
func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCalls {
		b.Run(bc.name, func(b *testing.B) {
			cc := NewClientCodec(discardConn{})
			req := rpc.Request{ServiceMethod: "Provisioner.Provision", Seq: 1}
			b.SetBytes(int64(len(requestFrame(b, req.ServiceMethod, req.Seq, bc.args))))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req.Seq = uint64(i)
				if err := cc.WriteRequest(&req, &bc.args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode measures reading one request, header and body, from an
// endless stream of the same frame.
func BenchmarkDecode(b *testing.B) {
	for _, bc := range benchCalls {
		b.Run(bc.name, func(b *testing.B) {
			frame := requestFrame(b, "Provisioner.Provision", 7, bc.args)
			sc := NewServerCodec(discardConn{&loopReader{data: frame}})
			b.SetBytes(int64(len(frame)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var req rpc.Request
				if err := sc.ReadRequestHeader(&req); err != nil || req.Seq != 7 {
					b.Fatalf("ReadRequestHeader = %+v, %v", req, err)
				}
				var p Payload
				if err := sc.ReadRequestBody(&p); err != nil || p.N != bc.args.N || len(p.Data) != len(bc.args.Data) {
					b.Fatalf("ReadRequestBody = %d bytes, N=%d, %v", len(p.Data), p.N, err)
				}
			}
		})
	}
}

// BenchmarkRoundTrip measures one net/rpc call over net.Pipe with this
// codec and with net/rpc's default gob codec, for a sweep of payload
// sizes. SetBytes counts the payload once per call.
func BenchmarkRoundTrip(b *testing.B) {
	codecs := []struct {
		name  string
		setup func(tb testing.TB) *rpc.Client
	}{
		{"msgpack", func(tb testing.TB) *rpc.Client {
			c, s := pipePair(tb)
			return serveRPC(tb, c, s)
		}},
		{"gob", serveGob},
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"64B", 64}, {"4KB", 4 << 10}, {"64KB", 64 << 10}} {
		for _, cd := range codecs {
			b.Run(cd.name+"/"+size.name, func(b *testing.B) {
				client := cd.setup(b)
				args := &Payload{Name: "echo", Data: bytes.Repeat([]byte{0x5a}, size.n)}
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					args.N = int64(i)
					var reply Payload
					if err := client.Call("Svc.Echo", args, &reply); err != nil {
						b.Fatal(err)
					}
					if reply.N != args.N || !bytes.Equal(reply.Data, args.Data) {
						b.Fatalf("call %d: reply N=%d with %d bytes, want N=%d with %d", i, reply.N, len(reply.Data), i, size.n)
					}
				}
			})
		}
	}
}

// serveGob is serveRPC with net/rpc's default gob codec.
func serveGob(tb testing.TB) *rpc.Client {
	tb.Helper()
	c, s := pipePair(tb)
	srv := rpc.NewServer()
	if err := srv.Register(Svc{}); err != nil {
		tb.Fatalf("register: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeConn(s)
	}()
	client := rpc.NewClient(c)
	tb.Cleanup(func() {
		client.Close()
		<-done
	})
	return client
}
