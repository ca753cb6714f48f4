//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterrupt runs the host as a subprocess, sends it SIGINT while a
// provisioner's command runs, and checks that it exits with exitInterrupted
// and leaves no plugin process, nor the command, behind.
func TestInterrupt(t *testing.T) {
	cache, _ := testBins(t)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pids")
	tpl := writeTemplate(t, map[string]interface{}{
		"builders": filesBuilder(),
		"hooks":    []interface{}{map[string]interface{}{"type": "notify"}},
		"provisioners": []interface{}{map[string]interface{}{"type": "shell", "config": map[string]interface{}{
			"inline": []string{`echo "sleeper $$"; exec sleep 60`},
		}}},
		"post_processors": []interface{}{map[string]interface{}{"type": "targz", "config": map[string]interface{}{"output": "x.tar.gz"}}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-cache", cache, "-out", filepath.Join(dir, "out"), "-pidfile", pidFile, "-grace", "5s", tpl)
	cmd.Env = append(os.Environ(), hostEnv+"=1")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sleeper, out := awaitSleeper(t, bufio.NewScanner(stdout))
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := readAll(stdout)
	err = cmd.Wait()
	report := fmt.Sprintf("stdout:\n%s%s\nstderr:\n%s", out, rest, errOut.String())
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("host exited with %v, want exit status %d\n%s", err, exitInterrupted, report)
	}
	if !strings.Contains(errOut.String(), "==> host: Interrupted") {
		t.Errorf("stderr does not say the build was interrupted\n%s", report)
	}
	pids := readPids(t, pidFile)
	if len(pids) != 4 {
		t.Errorf("pid file lists %v, want the 4 plugins", pids)
	}
	pids["sleep command"] = sleeper
	for name, pid := range pids {
		if err := awaitGone(pid); err != nil {
			t.Errorf("%s (pid %d): %v", name, pid, err)
		}
	}
}

// awaitSleeper reads the host's output until the shell provisioner's
// command reports its pid, and returns the pid and the output so far.
func awaitSleeper(tb testing.TB, sc *bufio.Scanner) (int, string) {
	tb.Helper()
	var out strings.Builder
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if _, after, ok := strings.Cut(line, "    shell: sleeper "); ok {
			pid, err := strconv.Atoi(after)
			if err != nil {
				tb.Fatalf("bad sleeper line %q", line)
			}
			return pid, out.String()
		}
	}
	tb.Fatalf("the host's output ended before the provisioner started:\n%s", out.String())
	return 0, ""
}

func readAll(r interface{ Read([]byte) (int, error) }) (string, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.String(), err
}

// readPids parses the host's pid file: "name pid" lines.
func readPids(tb testing.TB, path string) map[string]int {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	pids := make(map[string]int)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var name string
		var pid int
		if _, err := fmt.Sscanf(line, "%s %d", &name, &pid); err != nil {
			tb.Fatalf("pid file line %q: %v", line, err)
		}
		pids[name] = pid
	}
	return pids
}

// awaitGone waits up to a few seconds for pid to disappear: a process
// killed as its parent exits is reaped by init shortly after.
func awaitGone(pid int) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still running after the host exited (kill 0: %v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
