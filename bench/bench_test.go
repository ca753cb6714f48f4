package bench

import (
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// The benchmarks. Each runs its contenders in interleaved rounds (see
// compare) and reports muxplug's medians as ns/op, B/op and allocs/op
// (allocations in the host only), every contender's median in µs/op (MB/s
// for bulk), and the ratios the README quotes. Run them with a fixed
// number of rounds:
//
//	go test -run '^$' -bench . -benchtime 10x

// BenchmarkSmallCall is one small call: muxplug's Prepare, go-plugin's
// net/rpc and gRPC calls, the old design's, and the floors: a 64-byte
// ping-pong with a child over a raw Unix socket and over one yamux stream.
func BenchmarkSmallCall(b *testing.B) {
	f := startFloor(b)
	br := muxFloor(b, f, 0)
	scores := compare(b, 200,
		contender{"muxplug", muxplugSmall(muxplugProvisioner(b))},
		contender{"goplugin-netrpc", goPluginSmall(startGoPlugin(b))},
		contender{"goplugin-grpc", grpcSmall(startGoPluginGRPC(b))},
		contender{"olddesign", oldSmall(dialOldDesign(b))},
		contender{"floor-unix", pingPonger(f.dial(b, modeEcho), 1)},
		contender{"floor-yamux", pingPonger(f.stream(b, modeEcho), 1)},
		contender{"mux-echo", muxEcho(b, br, 1)},
		contender{"mux-rpc", muxRPC(b, br)},
	)
	reportTimes(b, scores, "muxplug")
	reportRatio(b, scores, "muxplug", "floor-yamux")
	reportRatio(b, scores, "goplugin-netrpc", "muxplug")
	reportRatio(b, scores, "floor-yamux", "floor-unix")
}

// BenchmarkCallbacks100 is a call whose handler calls the host's Ui back
// 100 times, on a stream brokered for the call; its floors are 101
// ping-pongs.
func BenchmarkCallbacks100(b *testing.B) {
	f := startFloor(b)
	scores := compare(b, 4,
		contender{"muxplug", muxplugCallbacks(muxplugProvisioner(b))},
		contender{"goplugin-netrpc", goPluginCallbacks(startGoPlugin(b))},
		contender{"olddesign", oldCallbacks(dialOldDesign(b))},
		contender{"floor-unix", pingPonger(f.dial(b, modeEcho), 101)},
		contender{"floor-yamux", pingPonger(f.stream(b, modeEcho), 101)},
	)
	reportTimes(b, scores, "muxplug")
	reportRatio(b, scores, "muxplug", "floor-yamux")
	reportRatio(b, scores, "goplugin-netrpc", "muxplug")
}

// BenchmarkSays is a Provision that says 100 and 10,000 lines on the
// host's Ui (one-way calls in muxplug, a round trip each in go-plugin),
// against one small call through the same plugin. lines/s is muxplug's
// rate for the 10,000 lines.
func BenchmarkSays(b *testing.B) {
	small := muxplugProvisioner(b)
	gp := startGoPlugin(b)
	scores := compare(b, 1,
		contender{"muxplug-small", muxplugSmall(small)},
		contender{"muxplug-100", muxplugSays(muxplugSayer(b, 100), 100)},
		contender{"muxplug-10000", muxplugSays(muxplugSayer(b, 10000), 10000)},
		contender{"goplugin-100", goPluginSays(gp, 100)},
		contender{"goplugin-10000", goPluginSays(gp, 10000)},
	)
	reportTimes(b, scores, "muxplug-100")
	reportRatio(b, scores, "muxplug-100", "muxplug-small")
	reportRatio(b, scores, "goplugin-100", "muxplug-100")
	reportRatio(b, scores, "goplugin-10000", "muxplug-10000")
	b.ReportMetric(10000/(scores["muxplug-10000"].ns/1e9), "lines/s")
}

// parallelCallers is how many goroutines BenchmarkParallel32 calls from.
const parallelCallers = 32

// inParallel spreads an op's n operations over parallelCallers
// goroutines, which must do n/parallelCallers each.
func inParallel(op func(int) (time.Duration, error)) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		var wg sync.WaitGroup
		errs := make(chan error, parallelCallers)
		for i := 0; i < parallelCallers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := op(n / parallelCallers); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs
	})
}

// BenchmarkParallel32 is the small call made by 32 goroutines at once,
// timed per call.
func BenchmarkParallel32(b *testing.B) {
	scores := compare(b, 20*parallelCallers,
		contender{"muxplug", inParallel(muxplugSmall(muxplugProvisioner(b)))},
		contender{"goplugin-netrpc", inParallel(goPluginSmall(startGoPlugin(b)))},
		contender{"goplugin-grpc", inParallel(grpcSmall(startGoPluginGRPC(b)))},
	)
	reportTimes(b, scores, "muxplug")
	reportRatio(b, scores, "goplugin-netrpc", "muxplug")
	reportRatio(b, scores, "goplugin-grpc", "muxplug")
}

// BenchmarkUpload64MiB moves 64 MiB from the plugin to the host: through
// muxplug's Communicator.Upload, go-plugin's gRPC server streaming, and
// the floors, one yamux stream and a raw Unix socket, each written in
// 1 MiB writes and read in 1 MiB reads.
func BenchmarkUpload64MiB(b *testing.B) {
	f := startFloor(b)
	scores := compare(b, 1,
		contender{"muxplug", muxplugUpload(muxplugProvisioner(b))},
		contender{"goplugin-grpc", grpcDownloader(startGoPluginGRPC(b))},
		contender{"floor-unix", bulkReceiver(f.dial(b, modeBulk))},
		contender{"floor-yamux", bulkReceiver(f.stream(b, modeBulk))},
		contender{"mux", muxBulk(b, muxFloor(b, f, 0))},
	)
	m := scores["muxplug"]
	b.ReportMetric(m.ns, "ns/op")
	b.ReportMetric(m.allocs, "allocs/op")
	b.ReportMetric(m.bytes, "B/op")
	for name, s := range scores {
		b.ReportMetric(bulkSize/s.ns*1e9/1e6, name+"-MB/s")
	}
	b.ReportMetric(scores["floor-yamux"].ns/m.ns, "muxplug/floor-yamux-speed")
	b.ReportMetric(scores["goplugin-grpc"].ns/m.ns, "muxplug/goplugin-grpc-speed")
}

// execOnlyMain prints one line and waits for its parent: the floor for
// starting a plugin is exec of the same binary until its first line.
func execOnlyMain() int {
	exitOnStdinEOF()
	fmt.Println("ready")
	select {}
}

// execFloor starts this binary until its first stdout line, then stops
// it (not timed).
func execFloor(b *testing.B) func(int) (time.Duration, error) {
	return func(n int) (time.Duration, error) {
		var total time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			cmd := childCmd(b, "exec-only")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				return 0, err
			}
			stdin, err := cmd.StdinPipe() // the child lives until this closes
			if err != nil {
				return 0, err
			}
			if err := cmd.Start(); err != nil {
				return 0, err
			}
			line := make([]byte, len("ready\n"))
			_, err = io.ReadFull(stdout, line)
			total += time.Since(start)
			stdin.Close()
			cmd.Wait()
			if err != nil || string(line) != "ready\n" {
				return 0, fmt.Errorf("first line %q, %v", line, err)
			}
		}
		return total, nil
	}
}

// BenchmarkStart is launching a plugin process until its first small call
// returns, against exec of the same binary until its first line.
func BenchmarkStart(b *testing.B) {
	scores := compare(b, 2,
		contender{"muxplug", muxplugStart(b)},
		contender{"goplugin-netrpc", goPluginStart(b)},
		contender{"floor-exec", execFloor(b)},
	)
	reportTimes(b, scores, "muxplug")
	reportRatio(b, scores, "muxplug", "floor-exec")
	reportRatio(b, scores, "goplugin-netrpc", "floor-exec")
}

// BenchmarkIdleServedObject is what an idle served object costs in heap
// and stacks once its proxy has made one call: an Artifact that a builder
// plugin returned from Run and serves for the rest of the session, both
// ends (the served end in the plugin, the proxy in the host). Each
// iteration is a fresh plugin holding idleObjects of them.
func BenchmarkIdleServedObject(b *testing.B) {
	b.ReportAllocs()
	var samples [4][]score // served heap, served stacks, proxy heap, proxy stacks
	for i := 0; i < b.N; i++ {
		s, p, err := idleServedObject(b)
		if err != nil {
			b.Fatal(err)
		}
		for j, v := range []float64{s.heap, s.stack, p.heap, p.stack} {
			samples[j] = append(samples[j], score{bytes: v})
		}
	}
	var med [4]float64
	for j := range med {
		med[j] = median(samples[j], func(s score) float64 { return s.bytes })
	}
	b.ReportMetric(med[0]+med[1]+med[2]+med[3], "B/object")
	b.ReportMetric(med[0], "served-heap-B/object")
	b.ReportMetric(med[1], "served-stack-B/object")
	b.ReportMetric(med[2], "proxy-heap-B/object")
	b.ReportMetric(med[3], "proxy-stack-B/object")
}

// BenchmarkStreamWindow is the bulk transfer of BenchmarkUpload64MiB on a
// bare broker stream with each Config.StreamWindow: the measurement behind
// DefaultStreamWindow.
func BenchmarkStreamWindow(b *testing.B) {
	f := startFloor(b)
	var cs []contender
	for _, w := range []uint32{256 << 10, 1 << 20, 4 << 20, 16 << 20} {
		cs = append(cs, contender{fmt.Sprintf("window-%dKiB", w>>10), muxBulk(b, muxFloor(b, f, w))})
	}
	scores := compare(b, 1, cs...)
	b.ReportMetric(scores["window-16384KiB"].ns, "ns/op")
	for name, s := range scores {
		b.ReportMetric(bulkSize/s.ns*1e9/1e6, name+"-MB/s")
	}
}
