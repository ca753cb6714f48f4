package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkUpload20GB moves 20 GB from a plugin to the host through
// Communicator.Upload while every core is kept busy by spinning
// goroutines, and reports the throughput and the peak RSS of host and
// plugin: a transfer that long under load must not die of a missed
// keepalive or write timeout. It runs only with MUXPLUG_BENCH_HUGE=1:
//
//	cd bench && MUXPLUG_BENCH_HUGE=1 go test -run '^$' -bench Upload20GB -benchtime 1x
func BenchmarkUpload20GB(b *testing.B) {
	if os.Getenv("MUXPLUG_BENCH_HUGE") == "" {
		b.Skip("set MUXPLUG_BENCH_HUGE=1 to move 20 GB")
	}
	const size = 20e9
	client := startMuxplug(b, "muxplug-provisioner")
	p, err := client.Provisioner()
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Prepare(map[string]interface{}{"upload": int64(size)}); err != nil {
		b.Fatal(err)
	}
	stop := spin(runtime.NumCPU())
	defer stop()
	b.ResetTimer()
	for range b.N {
		comm := &bulkComm{got: &bulkChecker{}}
		if err := p.Provision(context.Background(), nil, comm); err != nil {
			b.Fatal(err)
		}
		if err := comm.got.check(size); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(size*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(peakRSS(b, "self")), "host-peak-RSS-KiB")
	b.ReportMetric(float64(peakRSS(b, strconv.Itoa(client.Stats().Pid))), "plugin-peak-RSS-KiB")
}

// spin keeps n goroutines busy until the returned function is called.
func spin(n int) (stop func()) {
	var done atomic.Bool
	for range n {
		go func() {
			for x := 0; !done.Load(); x++ {
				if x%1e6 == 0 {
					time.Sleep(0) // stay preemptible without yielding the core
				}
			}
		}()
	}
	return func() { done.Store(true) }
}

// peakRSS reads a process's peak resident set size (VmHWM) in KiB.
func peakRSS(b *testing.B, pid string) int {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		b.Logf("no peak RSS for %s: %v", pid, err)
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kib)
			return kib
		}
	}
	return 0
}
