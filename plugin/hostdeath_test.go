//go:build !windows

package plugin

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostDeath SIGKILLs an intermediate host process and checks that its
// plugin goes away within 2s: through the closed connection when the host
// had connected, through stdin EOF when it had not.
func TestHostDeath(t *testing.T) {
	for _, mode := range []string{"host", "host-noconnect"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "plugin.pid")
			host := helperCmd(mode, pidFileEnv+"="+pidFile)
			out, err := host.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := host.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { host.Process.Kill(); host.Wait() })
			waitReady(t, out)
			pid := readPid(t, pidFile)
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })

			host.Process.Kill()
			host.Wait()
			killed := time.Now()
			deadline := killed.Add(2 * time.Second)
			defer func() { t.Logf("plugin gone after %v", time.Since(killed)) }()
			for !processGone(pid) {
				if time.Now().After(deadline) {
					t.Fatalf("plugin %d still alive 2s after its host died", pid)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

func waitReady(t *testing.T, out interface{ Read([]byte) (int, error) }) {
	t.Helper()
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if line != "ready\n" {
			t.Fatalf("host said %q, want ready", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("host not ready after 20s")
	}
}

// processGone reports whether pid no longer runs: it does not exist, or it
// is a zombie waiting for a reaper.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the parenthesized command name.
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && strings.HasPrefix(string(stat[i+1:]), " Z")
}
