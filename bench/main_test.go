package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// roleEnv selects what a re-executed test binary does instead of running
// tests; addrEnv, if set, is the Unix socket path a floor child listens on.
const (
	roleEnv = "MUXPLUG_BENCH_ROLE"
	addrEnv = "MUXPLUG_BENCH_ADDR"
)

// roles maps a role name to the main function of that child process.
var roles = map[string]func() int{
	"floor":               floorMain,
	"goplugin":            goPluginMain,
	"goplugin-grpc":       goPluginGRPCMain,
	"olddesign":           oldDesignMain,
	"muxplug-provisioner": muxplugProvisionerMain,
	"muxplug-builder":     muxplugBuilderMain,
	"exec-only":           execOnlyMain,
}

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		run, ok := roles[role]
		if !ok {
			fmt.Fprintf(os.Stderr, "bench: unknown role %q\n", role)
			os.Exit(2)
		}
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// childCmd returns a command that runs this test binary in role, with
// extra environment variables.
func childCmd(tb testing.TB, role string, env ...string) *exec.Cmd {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(append(os.Environ(), roleEnv+"="+role), env...)
	return cmd
}

// startChild starts role, reads the first line it prints on stdout and
// returns it; the child is stopped when the benchmark ends.
func startChild(tb testing.TB, role string, env ...string) string {
	tb.Helper()
	cmd := childCmd(tb, role, env...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdin, err := cmd.StdinPipe() // the child exits when this closes
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("%s: first line: %v", role, err)
	}
	return strings.TrimSpace(line)
}

// exitOnStdinEOF ends a child process once its parent closes stdin (or
// dies), so no benchmark leaves a process behind.
func exitOnStdinEOF() {
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
}
