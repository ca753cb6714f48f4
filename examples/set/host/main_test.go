package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/plugin"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildPlugin builds examples/set/plugin into a temporary directory.
func buildPlugin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "greetings")
	out, err := exec.Command("go", "build", "-o", bin, "../plugin").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// wantLines are what a run prints, whether it started the plugin or
// attached to it.
var wantLines = []string{
	" 0.1.0 offers builders goodbye, hello and provisioners run",
	"==> goodbye: goodbye (instance ",
	"==> hello: hello (instance ",
	"    run: provisioned on ",
	"==> All from one process: ",
}

func TestRun(t *testing.T) {
	bin := buildPlugin(t)
	t.Run("started", func(t *testing.T) {
		var out bytes.Buffer
		err := run(testContext(t), bin, &out)
		plugin.CleanupClients()
		if err != nil {
			t.Fatal(err)
		}
		checkOutput(t, out.String(), "started pid ")
	})
	t.Run("reattached", func(t *testing.T) {
		p := exec.Command(bin)
		p.Env = append(os.Environ(), plugin.DebugEnv+"=1")
		stdout, err := p.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		defer p.Wait()
		defer p.Process.Signal(syscall.SIGTERM)
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			t.Fatalf("no reattach line: %v", err)
		}
		t.Setenv(plugin.ReattachEnv, strings.TrimSpace(line))
		var out bytes.Buffer
		err = run(testContext(t), bin, &out)
		plugin.CleanupClients()
		if err != nil {
			t.Fatal(err)
		}
		checkOutput(t, out.String(), "attached to pid ")
		if err := p.Process.Signal(syscall.Signal(0)); err != nil {
			t.Errorf("the debug plugin is gone after the host's cleanup: %v", err)
		}
	})
}

func checkOutput(t *testing.T, out string, how string) {
	t.Helper()
	for _, want := range append(wantLines, how) {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
