package mux

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Benchmarks run over TCP loopback in one process. Ratios against a floor
// measured in the same process are reported as custom metrics: x-floor
// (time per call / raw TCP 64-byte round trip) and x-raw-tcp (stream
// throughput / raw TCP throughput).

// EchoService is the net/rpc receiver of the benchmarks.
type EchoService struct{}

// Echo returns its argument.
func (EchoService) Echo(in []byte, out *[]byte) error {
	*out = in
	return nil
}

var payload64 = bytes.Repeat([]byte("m"), 64)

// benchConfig is the Config of benchmark brokers: defaults, quiet.
func benchConfig() *Config { return &Config{Logger: discardLogger} }

// echoPeer echoes fixed-size messages on c until it fails.
func echoPeer(c net.Conn, size int) {
	buf := make([]byte, size)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		if _, err := c.Write(buf); err != nil {
			return
		}
	}
}

// pingPong does one round trip of msg over c.
func pingPong(c net.Conn, msg, buf []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if !bytes.Equal(buf, msg) {
		return fmt.Errorf("echo %q, want %q", buf, msg)
	}
	return nil
}

// floorSampler measures the floor, a raw TCP 64-byte round trip, while a
// benchmark runs. Samples are taken with the timer stopped, interleaved
// with the timed work, so that they see the same machine load as the work:
// on a shared machine a floor measured once, earlier, skews the ratio.
type floorSampler struct {
	c     net.Conn
	buf   []byte
	total time.Duration
	n     int
}

func newFloorSampler(b *testing.B) *floorSampler {
	c1, c2 := connPair(b, "tcp")
	go echoPeer(c2, 64)
	return &floorSampler{c: c1, buf: make([]byte, 64)}
}

// sample times rounds round trips with the benchmark timer stopped.
func (f *floorSampler) sample(b *testing.B, rounds int) {
	b.StopTimer()
	defer b.StartTimer()
	start := time.Now()
	for range rounds {
		if err := pingPong(f.c, payload64, f.buf); err != nil {
			b.Fatal(err)
		}
	}
	f.total += time.Since(start)
	f.n += rounds
}

// sampleEvery samples the floor after every 256th iteration i.
func (f *floorSampler) sampleEvery(b *testing.B, i int) {
	if i%256 == 255 {
		f.sample(b, 64)
	}
}

// report reports the benchmark's time per op against the floor.
func (f *floorSampler) report(b *testing.B) {
	if f.n == 0 {
		f.sample(b, 500)
	}
	floor := float64(f.total.Nanoseconds()) / float64(f.n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/floor, "x-floor")
}

func BenchmarkFloorTCPPingPong64(b *testing.B) {
	c1, c2 := connPair(b, "tcp")
	go echoPeer(c2, 64)
	buf := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := pingPong(c1, payload64, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// echoServer returns an rpc.Server with EchoService registered.
func echoServer(b testing.TB) *rpc.Server {
	srv := rpc.NewServer()
	if err := srv.Register(EchoService{}); err != nil {
		b.Fatal(err)
	}
	return srv
}

// callEcho makes one checked Echo call.
func callEcho(c *rpc.Client) error {
	var reply []byte
	if err := c.Call("EchoService.Echo", payload64, &reply); err != nil {
		return err
	}
	if !bytes.Equal(reply, payload64) {
		return fmt.Errorf("Echo returned %q", reply)
	}
	return nil
}

// msgpackClient serves EchoService on the plugin's id 0 with serveRPC and
// returns the host's dialRPC client.
func msgpackClient(b *testing.B, host, plugin *Broker) *rpc.Client {
	go serveRPC(context.Background(), plugin, 0, echoServer(b))
	c, err := dialRPC(context.Background(), host, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// gobClient does the same with net/rpc's default gob codec.
func gobClient(b *testing.B, host, plugin *Broker) *rpc.Client {
	srv := echoServer(b)
	go func() {
		if conn, err := plugin.Accept(context.Background(), 0); err == nil {
			srv.ServeConn(conn)
		}
	}()
	conn, err := host.Dial(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	c := rpc.NewClient(conn)
	b.Cleanup(func() { c.Close() })
	return c
}

func BenchmarkCallSmall(b *testing.B) {
	for _, codec := range []struct {
		name   string
		client func(*testing.B, *Broker, *Broker) *rpc.Client
	}{
		{"msgpack", msgpackClient},
		{"gob", gobClient},
	} {
		b.Run(codec.name, func(b *testing.B) {
			fl := newFloorSampler(b)
			host, plugin := pairWith(b, "tcp", benchConfig(), benchConfig())
			c := codec.client(b, host, plugin)
			if err := callEcho(c); err != nil { // open the stream
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := callEcho(c); err != nil {
					b.Fatal(err)
				}
				fl.sampleEvery(b, i)
			}
			fl.report(b)
		})
	}
}

// BenchmarkStreamOpenFirstCall serves a fresh object, dials it and makes
// the first call: the cost of a callback object crossing the boundary.
func BenchmarkStreamOpenFirstCall(b *testing.B) {
	fl := newFloorSampler(b)
	host, plugin := pairWith(b, "tcp", benchConfig(), benchConfig())
	srv := echoServer(b)
	var served sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := plugin.NextID()
		served.Add(1)
		go func() { defer served.Done(); serveRPC(context.Background(), plugin, id, srv) }()
		c, err := dialRPC(context.Background(), host, id)
		if err != nil {
			b.Fatal(err)
		}
		if err := callEcho(c); err != nil {
			b.Fatal(err)
		}
		c.Close()
		fl.sampleEvery(b, i)
	}
	b.StopTimer()
	served.Wait()
	fl.report(b)
}

func BenchmarkCallParallel(b *testing.B) {
	fl := newFloorSampler(b)
	host, plugin := pairWith(b, "tcp", benchConfig(), benchConfig())
	c := msgpackClient(b, host, plugin)
	fl.sample(b, 500)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := callEcho(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	fl.sample(b, 500)
	fl.report(b)
}

const (
	bulkSize  = 64 << 20
	bulkChunk = 1 << 20
)

// sink reads size bytes at a time from c and reports each full transfer.
func sink(c net.Conn, size int, done chan<- error) {
	buf := make([]byte, bulkChunk)
	for {
		var n int
		for n < size {
			m, err := c.Read(buf)
			n += m
			if err != nil {
				if n > 0 || err != io.EOF {
					done <- fmt.Errorf("read after %d bytes: %w", n, err)
				}
				return
			}
		}
		done <- nil
	}
}

// bulkPair is a connection with a sink at its far end.
type bulkPair struct {
	c    net.Conn
	done chan error
}

func newBulkPair(c1, c2 net.Conn) *bulkPair {
	p := &bulkPair{c: c1, done: make(chan error, 1)}
	go sink(c2, bulkSize, p.done)
	return p
}

// transfer writes bulkSize bytes in chunks and waits for the sink; it
// returns how long that took.
func (p *bulkPair) transfer(b *testing.B, chunk []byte) time.Duration {
	start := time.Now()
	for n := 0; n < bulkSize; n += len(chunk) {
		if _, err := p.c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-p.done; err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// benchBulk moves bulkSize bytes per op from c1 to c2. With paired set,
// every op is followed, timer stopped, by the same transfer over raw TCP
// loopback, and the throughput ratio is reported as x-raw-tcp.
func benchBulk(b *testing.B, c1, c2 net.Conn, paired bool) {
	p := newBulkPair(c1, c2)
	var raw *bulkPair
	if paired {
		raw = newBulkPair(connPair(b, "tcp"))
	}
	chunk := make([]byte, bulkChunk)
	b.SetBytes(bulkSize)
	b.ReportAllocs()
	b.ResetTimer()
	var rawTime time.Duration
	for range b.N {
		p.transfer(b, chunk)
		if paired {
			b.StopTimer()
			rawTime += raw.transfer(b, chunk)
			b.StartTimer()
		}
	}
	if paired {
		b.ReportMetric(rawTime.Seconds()/b.Elapsed().Seconds(), "x-raw-tcp")
	}
}

// bulkStream returns the two ends of a broker stream over TCP.
func bulkStream(b *testing.B, cfg *Config) (net.Conn, net.Conn) {
	host, plugin := pairWith(b, "tcp", cfg, cfg)
	c1, err := host.Dial(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c1.Close() })
	c1.Write(nil) // send the header so that Accept returns
	c2, err := plugin.Accept(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c2.Close() })
	return c1, c2
}

func BenchmarkBulk64MiB(b *testing.B) {
	b.Run("raw-tcp", func(b *testing.B) {
		c1, c2 := connPair(b, "tcp")
		benchBulk(b, c1, c2, false)
	})
	b.Run("stream", func(b *testing.B) {
		c1, c2 := bulkStream(b, benchConfig())
		benchBulk(b, c1, c2, true)
	})
}

// BenchmarkBulkWindow sweeps Config.StreamWindow; it chose
// DefaultStreamWindow.
func BenchmarkBulkWindow(b *testing.B) {
	for _, w := range []uint32{256 << 10, 1 << 20, 4 << 20, 16 << 20} {
		b.Run(fmt.Sprintf("window=%dKiB", w>>10), func(b *testing.B) {
			cfg := benchConfig()
			cfg.StreamWindow = w
			c1, c2 := bulkStream(b, cfg)
			benchBulk(b, c1, c2, true)
		})
	}
}

// idleObjects is how many objects an idle-memory measurement holds.
const idleObjects = 500

// memInUse is heap plus goroutine stacks in use after a full GC.
func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// benchIdle reports the memory that open() holds per object, measured
// over idleObjects objects per op; close releases them.
func benchIdle(b *testing.B, unit string, open func() (close func())) {
	b.ReportAllocs()
	var total float64
	for range b.N {
		closers := make([]func(), 0, idleObjects)
		before := memInUse()
		for range idleObjects {
			closers = append(closers, open())
		}
		after := memInUse()
		total += (float64(after) - float64(before)) / idleObjects
		for _, c := range closers {
			c()
		}
	}
	b.ReportMetric(total/float64(b.N), unit)
}

// BenchmarkIdleStream measures an idle stream that has carried one byte
// each way, both ends counted.
func BenchmarkIdleStream(b *testing.B) {
	host, plugin := pairWith(b, "tcp", benchConfig(), benchConfig())
	buf := make([]byte, 1)
	benchIdle(b, "bytes/stream", func() func() {
		id := plugin.NextID()
		c1, err := host.Dial(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		c1.Write([]byte{1})
		c2, err := plugin.Accept(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c2, buf); err != nil {
			b.Fatal(err)
		}
		c2.Write(buf)
		if _, err := io.ReadFull(c1, buf); err != nil {
			b.Fatal(err)
		}
		return func() { c1.Close(); c2.Close() }
	})
}

// BenchmarkIdleServedObject measures an idle object served with its own
// rpc.Server through serveRPC after one call. served-end counts only the
// serving side (its goroutine, stream, codec and rpc.Server): the dialing
// side runs in a child process (this test binary running
// TestIdleDialerHelper), as a plugin's peer does; its ns/op is the child
// process's start and exit, not a figure of merit. both-ends keeps both
// sides in this process and adds the dialRPC client with its reader
// goroutine.
func BenchmarkIdleServedObject(b *testing.B) {
	b.Run("served-end", func(b *testing.B) {
		b.ReportAllocs()
		var total float64
		for range b.N {
			total += servedEndOnce(b)
		}
		b.ReportMetric(total/float64(b.N), "bytes/object")
	})
	b.Run("both-ends", func(b *testing.B) {
		host, plugin := pairWith(b, "tcp", benchConfig(), benchConfig())
		benchIdle(b, "bytes/object", func() func() {
			served := serveIdle(b, plugin)
			c, err := dialRPC(context.Background(), host, served.id)
			if err != nil {
				b.Fatal(err)
			}
			if err := callEcho(c); err != nil {
				b.Fatal(err)
			}
			return func() { c.Close(); <-served.done }
		})
	})
}

// idleDialerEnv names the listener a TestIdleDialerHelper process dials.
const idleDialerEnv = "MUX_IDLE_DIALER_ADDR"

// servedEndOnce serves idleObjects objects to a child process that calls
// each once, and returns the memory per object this process holds.
func servedEndOnce(b *testing.B) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestIdleDialerHelper$")
	cmd.Env = append(os.Environ(), idleDialerEnv+"="+l.Addr().String())
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	conn, err := l.Accept()
	if err != nil {
		b.Fatal(err)
	}
	plugin, err := Server(conn, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer plugin.Close()
	before := memInUse()
	for range idleObjects {
		serveIdle(b, plugin)
	}
	// The helper dials id 0 once it has called every object.
	ack, err := plugin.Accept(context.Background(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer ack.Close()
	if _, err := io.ReadFull(ack, make([]byte, 1)); err != nil {
		b.Fatal(err)
	}
	return (float64(memInUse()) - float64(before)) / idleObjects
}

// TestIdleDialerHelper is the child process of BenchmarkIdleServedObject:
// it dials ids 1..idleObjects of its parent, calls each once, reports on
// id 0 and waits for the parent to hang up. Run directly, it skips.
func TestIdleDialerHelper(t *testing.T) {
	addr := os.Getenv(idleDialerEnv)
	if addr == "" {
		t.Skip("helper process of BenchmarkIdleServedObject")
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	host, err := Client(conn, benchConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	for id := uint32(1); id <= idleObjects; id++ {
		c, err := dialRPC(context.Background(), host, id)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := callEcho(c); err != nil {
			t.Fatal(err)
		}
	}
	ack := dialAndWrite(t, host, 0, "k")
	ack.Read(make([]byte, 1)) // returns when the parent hangs up
	<-host.Done()
}

// idleServed is an object being served by serveRPC.
type idleServed struct {
	id   uint32
	done chan struct{} // closed when serveRPC returns
}

// serveIdle serves a fresh EchoService with its own rpc.Server.
func serveIdle(b *testing.B, plugin *Broker) idleServed {
	s := idleServed{id: plugin.NextID(), done: make(chan struct{})}
	srv := echoServer(b)
	go func() { defer close(s.done); serveRPC(context.Background(), plugin, s.id, srv) }()
	return s
}
