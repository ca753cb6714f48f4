//go:build !windows

package plugin

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// The load rows of the fault suite (docs/reliability.md), bounded in count
// and time; under the race detector, which is many times slower, smaller
// (race_test.go).
var load = struct {
	plugins, callers, callbacks int // the crossed-replies test
	fleet                       int // plugins started at once
	cycles                      int // start, call, kill
}{plugins: 10, callers: 100, callbacks: 100, fleet: 100, cycles: 200}

func init() {
	// A provisioner that asks the host's Ui callbacks times, each with a
	// tag of the call and the callback, and checks every answer.
	helpers["asker"] = func() int {
		ServeProvisioner(&packertest.Provisioner{
			PrepareFunc: func(...interface{}) error { return nil },
			ProvisionFunc: func(_ context.Context, ui packer.Ui, _ packer.Communicator) error {
				tag, err := ui.Ask("tag")
				if err != nil {
					return err
				}
				n := load.callbacks
				if v := os.Getenv("ASKER_CALLBACKS"); v != "" {
					fmt.Sscan(v, &n)
				}
				for i := range n {
					q := fmt.Sprintf("%s/%d", tag, i)
					if a, err := ui.Ask(q); err != nil || a != "re:"+q {
						return fmt.Errorf("callback %s answered %q, %v", q, a, err)
					}
				}
				return nil
			},
		})
		return 0
	}
}

// taggedUi answers "tag" with its tag and any other question q with
// "re:q", and counts the questions that carry its tag.
type taggedUi struct {
	packertest.Ui
	tag string

	mu   sync.Mutex
	seen int
}

func (u *taggedUi) Ask(q string) (string, error) {
	if q == "tag" {
		return u.tag, nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if !strings.HasPrefix(q, u.tag+"/") {
		return "", fmt.Errorf("question %q reached the Ui of %s", q, u.tag)
	}
	u.seen++
	return "re:" + q, nil
}

// TestCrossedReplies: plugins × concurrent callers × tagged callbacks; no
// reply is lost or reaches another caller.
func TestCrossedReplies(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, load.plugins*load.callers)
	for p := range load.plugins {
		c := newTestClient(t, "asker", func(cfg *ClientConfig) {
			cfg.Cmd.Env = append(cfg.Cmd.Env, fmt.Sprint("ASKER_CALLBACKS=", load.callbacks))
		})
		prov, err := c.Provisioner()
		if err != nil {
			t.Fatal(err)
		}
		for k := range load.callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ui := &taggedUi{tag: fmt.Sprintf("p%d.c%d", p, k)}
				if err := prov.Provision(testContext(t), ui, nil); err != nil {
					errs <- fmt.Errorf("%s: %w", ui.tag, err)
				} else if ui.seen != load.callbacks {
					errs <- fmt.Errorf("%s: %d callbacks, want %d", ui.tag, ui.seen, load.callbacks)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// resources is what a host holds: open file descriptors and goroutines.
type resources struct{ fds, goroutines int }

func holding(t *testing.T) resources {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return resources{fds: len(fds), goroutines: runtime.NumGoroutine()}
}

// settle waits, at most 5 s, until the host holds no more than base (the
// goroutines of closed connections end a little after Kill returns).
func settle(t *testing.T, base resources, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		now := holding(t)
		if now.fds <= base.fds && now.goroutines <= base.goroutines {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the host holds %d fds and %d goroutines, %d and %d before",
				what, now.fds, now.goroutines, base.fds, base.goroutines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFleet starts many plugins at once from one host, calls each, and
// cleans up: no process, fd or goroutine is left.
func TestFleet(t *testing.T) {
	base := holding(t)
	clients := make([]*Client, load.fleet)
	var wg sync.WaitGroup
	for i := range clients {
		clients[i] = NewClient(&ClientConfig{Cmd: helperCmd("builder"), Managed: true, Logger: discardLogger(),
			StartTimeout: 60 * time.Second})
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := clients[i].Builder()
			if err == nil {
				_, err = b.Prepare()
			}
			if err != nil {
				t.Errorf("plugin %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	pids := make([]int, len(clients))
	for i, c := range clients {
		pids[i] = c.Stats().Pid
	}
	CleanupClients()
	for i, pid := range pids {
		if pid != 0 && !processGone(pid) {
			t.Errorf("plugin %d (pid %d) still runs after CleanupClients", i, pid)
		}
	}
	settle(t, base, fmt.Sprint(load.fleet, " plugins"))
}

// TestCycles starts, calls and kills a plugin many times: the host's fds,
// goroutines and memory come back to where they were.
func TestCycles(t *testing.T) {
	cycle := func() {
		c := NewClient(&ClientConfig{Cmd: helperCmd("builder"), Logger: discardLogger()})
		defer c.Kill()
		b, err := c.Builder()
		if err == nil {
			_, err = b.Prepare()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cycle() // the first start of anything warms caches that stay
	runtime.GC()
	base := holding(t)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for range load.cycles {
		cycle()
	}
	settle(t, base, fmt.Sprint(load.cycles, " cycles"))
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("the host's heap grew by %d KiB over %d cycles", grew>>10, load.cycles)
	}
}
