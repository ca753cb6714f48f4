package remote

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// releaseRuns is how many Builder.Run calls TestReturnedArtifactsReleased
// makes; under the race detector, which is ten times slower, a tenth.
var releaseRuns = 100_000

// TestReturnedArtifactsReleased runs a Builder that returns a fresh
// artifact from every Run, and drops each one on the host: the plugin's
// served objects, goroutines and heap stay flat, because every proxy the
// host's garbage collector finds unreachable is released on the plugin.
func TestReturnedArtifactsReleased(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 calls")
	}
	fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
		return &packertest.Artifact{IdValue: "a"}, nil
	}}
	s := connect(t, "pipe", fake)
	b := s.hc.Builder()
	ctx := testCtx(t)
	const every = 5_000
	var goroutines, heap []int
	for i := range releaseRuns {
		art, err := b.Run(ctx, nil, nil)
		if err != nil || art == nil {
			t.Fatalf("Run %d = %v, %v", i, art, err)
		}
		if i%100 == 0 && art.Id() != "a" { // some of them are used, and so dialed
			t.Fatalf("artifact %d has id %q", i, art.Id())
		}
		if (i+1)%every == 0 {
			runtime.GC()
			goroutines = append(goroutines, runtime.NumGoroutine())
			heap = append(heap, int(heapInUse()>>10))
		}
	}
	waitFor(t, "the plugin to release every artifact", func() bool {
		runtime.GC()
		return s.pc.Stats().Objects == 0
	})
	first, last := heap[1], heap[len(heap)-1]
	t.Logf("%d runs: heap KiB every %d runs %v; goroutines %v", releaseRuns, every, heap, goroutines)
	if last > 2*first+1024 {
		t.Errorf("heap grew from %d KiB to %d KiB over %d runs", first, last, releaseRuns)
	}
	if g := goroutines[len(goroutines)-1]; g > goroutines[0]+10 {
		t.Errorf("goroutines grew from %d to %d", goroutines[0], g)
	}
}

// heapInUse is the heap in use after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// waitFor polls cond, for at most 5 seconds, for what only the garbage
// collector makes true.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
