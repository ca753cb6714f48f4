package objrpc

import (
	"fmt"
	"runtime"
	"testing"
)

// liveStreams is how many streams BenchmarkLiveStreams keeps open.
const liveStreams = 10000

// BenchmarkLiveStreams opens liveStreams streams on one connection, one
// per served object, with a round trip on each, then makes another round
// trip on every one of them while all are open. bytes/stream is the heap
// and stacks of both ends, in this process, per open stream.
//
//	go test -run '^$' -bench LiveStreams -benchtime 1x ./packer/objrpc/
func BenchmarkLiveStreams(b *testing.B) {
	for range b.N {
		host, plugin := conns(b, "tcp", nil)
		out, in := host.NewScope(), plugin.NewScope()
		before := memInUse()
		proxies := make([]*Proxy, liveStreams)
		for i := range proxies {
			ref, err := out.Export(testKind, newTestRcvr())
			if err != nil {
				b.Fatal(err)
			}
			if proxies[i], err = Import(in, ref, testKind, asProxy); err != nil {
				b.Fatal(err)
			}
			echo(b, proxies[i], i)
		}
		after := memInUse()
		if n := host.Broker().NumStreams(); n < liveStreams {
			b.Fatalf("%d streams open, want %d", n, liveStreams)
		}
		for i, p := range proxies {
			echo(b, p, i)
		}
		b.ReportMetric(float64(after-before)/liveStreams, "bytes/stream")
		in.Close()
		out.Close()
	}
}

func echo(b *testing.B, p *Proxy, i int) {
	var reply echoReply
	s := fmt.Sprint(i)
	if err := p.Call("Echo", &echoArgs{S: s}, &reply); err != nil || reply.S != s {
		b.Fatalf("Echo on stream %d = %q, %v", i, reply.S, err)
	}
}

// memInUse is heap plus stacks in use after full collections.
func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}
