package remote

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
)

// Benchmarks run host and plugin in one process over TCP loopback. Each
// reports its ratio to a raw TCP floor measured in the same run,
// interleaved with the timed work so that both see the same machine load:
// x-floor (time per op / the floor's time) or x-raw-tcp (throughput /
// raw TCP throughput).

// countingUi is a Ui that counts its Says and records nothing else.
type countingUi struct {
	packertest.Ui
	says atomic.Int64
}

func (u *countingUi) Say(string) { u.says.Add(1) }

// Ask answers every question with "answer".
func (u *countingUi) Ask(string) (string, error) { return "answer", nil }

// tcpEcho is a raw TCP connection to a goroutine that echoes 64-byte
// messages: the round-trip floor.
type tcpEcho struct {
	c   net.Conn
	msg []byte
	buf []byte
}

func newTCPEcho(b *testing.B) *tcpEcho {
	c1, c2 := connPair(b, "tcp")
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c2, buf); err != nil {
				return
			}
			if _, err := c2.Write(buf); err != nil {
				return
			}
		}
	}()
	return &tcpEcho{c: c1, msg: bytes.Repeat([]byte{'p'}, 64), buf: make([]byte, 64)}
}

// roundTrips does n checked 64-byte round trips and returns their time.
func (e *tcpEcho) roundTrips(b *testing.B, n int) time.Duration {
	start := time.Now()
	for range n {
		if _, err := e.c.Write(e.msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(e.c, e.buf); err != nil || !bytes.Equal(e.buf, e.msg) {
			b.Fatalf("echo %q, %v", e.buf, err)
		}
	}
	return time.Since(start)
}

// floor accumulates floor samples taken with the benchmark timer stopped.
// One op of the floor is perOp round trips.
type floor struct {
	echo   *tcpEcho
	perOp  int
	total  time.Duration
	rounds int
}

// sample measures rounds round trips, back to back like the timed work.
func (f *floor) sample(b *testing.B, rounds int) {
	b.StopTimer()
	f.total += f.echo.roundTrips(b, rounds)
	f.rounds += rounds
	b.StartTimer()
}

// report reports time per op against the time of perOp round trips.
func (f *floor) report(b *testing.B) {
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	floorOp := float64(f.total.Nanoseconds()) / float64(f.rounds) * float64(f.perOp)
	b.ReportMetric(per/floorOp, "x-floor")
}

// withPluginUi runs f in the plugin with a proxy of a host countingUi,
// inside a Provision call, and returns the host ui.
func withPluginUi(b *testing.B, f func(ui packer.Ui)) *countingUi {
	fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
		f(ui)
		return nil
	}}
	s := connect(b, "tcp", fake)
	hostUi := &countingUi{}
	if err := s.hc.Provisioner().Provision(context.Background(), hostUi, nil); err != nil {
		b.Fatal(err)
	}
	return hostUi
}

// BenchmarkUiSay is one Ui.Say from the plugin to the host on an open
// stream, against one raw TCP 64-byte round trip.
func BenchmarkUiSay(b *testing.B) {
	fl := &floor{echo: newTCPEcho(b), perOp: 1}
	var n int
	hostUi := withPluginUi(b, func(ui packer.Ui) {
		ui.Say("warm up")
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			ui.Say("a line of progress")
			if i%256 == 255 {
				fl.sample(b, 32)
			}
		}
		b.StopTimer()
		n = b.N
	})
	if got := hostUi.says.Load(); got != int64(n)+1 {
		b.Fatalf("host saw %d Says, want %d", got, n+1)
	}
	if fl.rounds == 0 {
		fl.sample(b, 32)
	}
	fl.report(b)
}

// BenchmarkUiAsk is one Ui.Ask from the plugin to the host on an open
// stream, a round trip, against one raw TCP 64-byte round trip.
func BenchmarkUiAsk(b *testing.B) {
	fl := &floor{echo: newTCPEcho(b), perOp: 1}
	withPluginUi(b, func(ui packer.Ui) {
		ui.Ask("warm up")
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if a, err := ui.Ask("question"); err != nil || a != "answer" {
				b.Fatalf("Ask = %q, %v", a, err)
			}
			if i%256 == 255 {
				fl.sample(b, 32)
			}
		}
		b.StopTimer()
	})
	if fl.rounds == 0 {
		fl.sample(b, 32)
	}
	fl.report(b)
}

// BenchmarkProvisionSays is a Provision that says 100 or 10,000 lines on
// the host's Ui (one-way calls), against a small call (Prepare) through
// the same plugin, timed in alternating blocks: x-small-call is the ratio.
func BenchmarkProvisionSays(b *testing.B) {
	for _, lines := range []int{0, 1, 100, 10000} {
		b.Run(fmt.Sprint(lines), func(b *testing.B) {
			fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
				for range lines {
					ui.Say("a line of progress")
				}
				return nil
			}}
			s := connect(b, "tcp", fake)
			p := s.hc.Provisioner()
			hostUi := &countingUi{}
			var small time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := p.Provision(context.Background(), hostUi, nil); err != nil {
					b.Fatal(err)
				}
				if i%4 == 0 {
					b.StopTimer()
					start := time.Now()
					for range 8 {
						if err := p.Prepare(); err != nil {
							b.Fatal(err)
						}
					}
					small += time.Since(start) / 8
					b.StartTimer()
				}
			}
			b.StopTimer()
			if got := hostUi.says.Load(); got != int64(lines*b.N) {
				b.Fatalf("host saw %d Says, want %d", got, lines*b.N)
			}
			per := float64(b.Elapsed()) / float64(b.N)
			b.ReportMetric(per/(float64(small)/float64((b.N+3)/4)), "x-small-call")
			b.ReportMetric(float64(lines)/(per/1e9), "lines/s")
		})
	}
}

// discardComm is a Communicator whose Upload reads and drops everything.
type discardComm struct {
	packer.Communicator // the other methods are not used
	got                 atomic.Int64
}

func (c *discardComm) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	n, err := io.Copy(io.Discard, r)
	c.got.Add(n)
	return err
}

// filler is an endless reader that returns full reads without touching p,
// like the raw TCP floor, which sends the same buffer over and over.
type filler struct{}

func (filler) Read(p []byte) (int, error) { return len(p), nil }

const bulkSize = 256 << 20

// rawTCP is a loopback TCP connection whose far end counts what arrives:
// the bulk floor.
type rawTCP struct {
	c    net.Conn
	buf  []byte
	done chan int64 // bulkSize after each transfer
}

func newRawTCP(b *testing.B) *rawTCP {
	c1, c2 := connPair(b, "tcp")
	r := &rawTCP{c: c1, buf: make([]byte, 1<<20), done: make(chan int64)}
	go func() {
		buf := make([]byte, 1<<20)
		for {
			n, err := io.CopyBuffer(io.Discard, io.LimitReader(c2, bulkSize), buf)
			if err != nil || n < bulkSize {
				close(r.done)
				return
			}
			r.done <- n
		}
	}()
	return r
}

// transfer moves bulkSize bytes with 1 MiB writes and returns the time it
// took, once the far end has all of them.
func (r *rawTCP) transfer(b *testing.B) time.Duration {
	start := time.Now()
	for sent := 0; sent < bulkSize; sent += len(r.buf) {
		if _, err := r.c.Write(r.buf); err != nil {
			b.Fatal(err)
		}
	}
	if n := <-r.done; n != bulkSize {
		b.Fatalf("raw TCP moved %d bytes, want %d", n, bulkSize)
	}
	return time.Since(start)
}

// BenchmarkUpload256MiB uploads 256 MiB from the plugin through the host's
// Communicator, against moving as much over raw loopback TCP. bare-stream
// moves the same bytes over a bare broker stream (no framing, no RPC):
// the ceiling the mux layer sets for the Communicator.
func BenchmarkUpload256MiB(b *testing.B) {
	b.Run("communicator", benchUploadCommunicator)
	b.Run("bare-stream", benchUploadBareStream)
}

func benchUploadCommunicator(b *testing.B) {
	comm := &discardComm{}
	floor := newRawTCP(b)
	floor.transfer(b) // warm the connection up
	var raw time.Duration
	fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, c packer.Communicator) error {
		b.SetBytes(bulkSize)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := c.Upload(ctx, "f", io.LimitReader(filler{}, bulkSize), nil); err != nil {
				return err
			}
			b.StopTimer()
			raw += floor.transfer(b)
			b.StartTimer()
		}
		b.StopTimer()
		return nil
	}}
	s := connect(b, "tcp", fake)
	if err := s.hc.Provisioner().Provision(context.Background(), nil, comm); err != nil {
		b.Fatal(err)
	}
	if got := comm.got.Load(); got != int64(b.N)*bulkSize {
		b.Fatalf("host received %d bytes, want %d", got, int64(b.N)*bulkSize)
	}
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.Elapsed().Nanoseconds()), "x-raw-tcp")
}

func benchUploadBareStream(b *testing.B) {
	host, plugin := pair(b, "tcp")
	id := host.NextID()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := host.Accept(context.Background(), id)
		accepted <- c
	}()
	c1, err := plugin.Dial(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	defer c1.Close()
	c1.Write(nil)
	c2 := <-accepted
	if c2 == nil {
		b.Fatal("accept failed")
	}
	defer c2.Close()
	stream := &rawTCP{c: c1, buf: make([]byte, 1<<20), done: make(chan int64)}
	go func() {
		buf := make([]byte, 1<<20)
		for {
			n, err := io.CopyBuffer(io.Discard, io.LimitReader(c2, bulkSize), buf)
			if err != nil || n < bulkSize {
				close(stream.done)
				return
			}
			stream.done <- n
		}
	}()
	floor := newRawTCP(b)
	floor.transfer(b)
	var raw time.Duration
	b.SetBytes(bulkSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		stream.transfer(b)
		b.StopTimer()
		raw += floor.transfer(b)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.Elapsed().Nanoseconds()), "x-raw-tcp")
}

// idleObjects is how many objects the idle-memory benchmark serves.
const idleObjects = 500

// memInUse is heap plus stacks in use after full collections.
func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// BenchmarkIdleServedObject measures what an idle served Ui costs once
// its proxy has made one call, both ends in one process: the served
// object, its stream and goroutine; the proxy's link, stream
// and client (which has no goroutine). bytes/object is the mean over the
// iterations, whose batches reuse the holes the previous one left in
// partly used spans; bytes/object-first is the first batch alone, which
// had to take fresh spans: the pessimistic figure.
func BenchmarkIdleServedObject(b *testing.B) {
	host, plugin := pair(b, "tcp")
	hc, err := NewConn(host, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer hc.Close()
	pc, err := NewConn(plugin, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close()
	b.ReportAllocs()
	var total, first float64
	for i := range b.N {
		uis := make([]*countingUi, idleObjects)
		for i := range uis {
			uis[i] = &countingUi{}
		}
		served, dialled := hc.NewScope(), pc.NewScope()
		before := memInUse()
		for _, ui := range uis {
			ref, err := served.Export(uiKind, ui)
			if err != nil {
				b.Fatal(err)
			}
			proxy, err := objrpc.Import(dialled, ref, uiKind, newUiClient)
			if err != nil {
				b.Fatal(err)
			}
			proxy.Say("once")
		}
		after := memInUse()
		per := (float64(after) - float64(before)) / idleObjects
		if i == 0 {
			first = per
		}
		total += per
		dialled.Close()
		served.Close()
		for i, ui := range uis {
			if n := ui.says.Load(); n != 1 {
				b.Fatalf("ui %d saw %d Says, want 1", i, n)
			}
		}
	}
	b.ReportMetric(total/float64(b.N), "bytes/object")
	b.ReportMetric(first, "bytes/object-first")
}
