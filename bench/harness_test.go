package bench

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// A contender is one way of doing a benchmark's operation: op does n of
// them, checks every reply, and returns the time they took (ops that need
// set-up or tear-down per operation leave it out).
type contender struct {
	name string
	op   func(n int) (time.Duration, error)
}

// timed makes a contender's op from a function that does n operations,
// timing all of it.
func timed(f func(n int) error) func(int) (time.Duration, error) {
	return func(n int) (time.Duration, error) {
		start := time.Now()
		err := f(n)
		return time.Since(start), err
	}
}

// score is a contender's median over the rounds of one benchmark.
type score struct {
	ns     float64 // per operation
	allocs float64 // in this process, per operation
	bytes  float64 // allocated in this process, per operation
}

// compare runs b.N rounds. In each, every contender does block operations
// in turn, starting with a different one each round, so that all of them
// see the same moments of a noisy machine. It returns each contender's
// medians.
//
// With MUXPLUG_BENCH_ONLY set to a contender's name, only that contender
// runs: for perf stat and pprof, which see the whole process.
func compare(b *testing.B, block int, cs ...contender) map[string]score {
	b.Helper()
	b.ReportAllocs()
	if only := os.Getenv("MUXPLUG_BENCH_ONLY"); only != "" {
		cs = slices.DeleteFunc(cs, func(c contender) bool { return c.name != only })
	}
	samples := make([][]score, len(cs))
	var before, after runtime.MemStats
	for r := 0; r < b.N; r++ {
		for k := range cs {
			i := (k + r) % len(cs)
			runtime.ReadMemStats(&before)
			d, err := cs[i].op(block)
			runtime.ReadMemStats(&after)
			if err != nil {
				b.Fatalf("%s: %v", cs[i].name, err)
			}
			samples[i] = append(samples[i], score{
				ns:     float64(d.Nanoseconds()) / float64(block),
				allocs: float64(after.Mallocs-before.Mallocs) / float64(block),
				bytes:  float64(after.TotalAlloc-before.TotalAlloc) / float64(block),
			})
		}
	}
	out := make(map[string]score, len(cs))
	for i, c := range cs {
		out[c.name] = score{
			ns:     median(samples[i], func(s score) float64 { return s.ns }),
			allocs: median(samples[i], func(s score) float64 { return s.allocs }),
			bytes:  median(samples[i], func(s score) float64 { return s.bytes }),
		}
	}
	return out
}

// median returns the median of f over ss.
func median(ss []score, f func(score) float64) float64 {
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = f(s)
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// reportTimes reports main's medians as the benchmark's ns/op, B/op and
// allocs/op, and every contender's median time per operation in µs.
func reportTimes(b *testing.B, scores map[string]score, main string) {
	b.Helper()
	m := scores[main]
	b.ReportMetric(m.ns, "ns/op")
	b.ReportMetric(m.allocs, "allocs/op")
	b.ReportMetric(m.bytes, "B/op")
	for name, s := range scores {
		b.ReportMetric(s.ns/1e3, name+"-µs/op")
	}
}

// reportRatio reports scores[a]'s time per operation over scores[b]'s.
func reportRatio(b *testing.B, scores map[string]score, a, c string) {
	b.Helper()
	b.ReportMetric(scores[a].ns/scores[c].ns, a+"/"+c)
}
