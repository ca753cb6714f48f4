package plugin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/packer"
)

// The test binary doubles as every fake plugin (and fake host) the tests
// need: with helperEnv set, TestMain runs helpers[mode] instead of the
// tests and exits with its result.
const (
	helperEnv  = "MUXPLUG_TEST_HELPER"
	pidFileEnv = "MUXPLUG_TEST_PIDFILE"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	goleak.VerifyTestMain(m)
}

func runHelper(mode string) int {
	h, ok := helpers[mode]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown helper %q\n", mode)
		return 99
	}
	return h()
}

// helpers maps helper modes to the main function of the process; more are
// added by the init functions of other test files.
var helpers = map[string]func() int{
	"serve":     helperServe,
	"realserve": func() int { ServeBuilder(stubBuilder{}); return 0 },
	"junk": func() int {
		fmt.Println("warming up")
		fmt.Println("still warming up")
		fmt.Println("muxplug-lookalike but not a handshake")
		return helperServe()
	},
	"garbled": func() int { fmt.Println("muxplug|one|tcp|127.0.0.1:1"); return sleep() },
	"newer":   func() int { fmt.Println("muxplug|10|tcp|127.0.0.1:1"); return sleep() },
	"refuser": func() int { // refuses the host's version 1, as another implementation might
		fmt.Println("muxplug|1|tcp|-")
		fmt.Fprintln(os.Stderr, "refusing: this plugin needs protocol 1 with extension x")
		return ExitBadEnvironment
	},
	"exit": func() int {
		fmt.Fprintln(os.Stderr, "boom: configuration missing")
		return 3
	},
	"hang": func() int {
		fmt.Println("starting...")
		fmt.Fprintln(os.Stderr, "loading modules")
		return sleep()
	},
	"stubborn": func() int {
		signal.Ignore(syscall.SIGTERM)
		helperServe()
		return sleep()
	},
	"chatty": func() int {
		os.Stderr.Write([]byte("plain line\ninvalid \xff\xfe utf8\n"))
		os.Stderr.Write(bytes.Repeat([]byte("x"), 20000))
		os.Stderr.Write([]byte("\nafter long\nno newline at end"))
		os.Stderr.Close()
		return helperServe()
	},
	"forker": func() int {
		// A grandchild that inherits stderr and outlives the plugin.
		child := exec.Command("sleep", "30")
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			return 1
		}
		if path := os.Getenv(pidFileEnv); path != "" {
			os.WriteFile(path, []byte(strconv.Itoa(child.Process.Pid)), 0o600)
		}
		return helperServe()
	},
	"host":           helperHost,
	"host-noconnect": helperHostNoConnect,
	"echo":           helperEcho,
	"bare": func() int {
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		return 0
	},
}

func sleep() int {
	time.Sleep(time.Hour)
	return 0
}

func writePidFile() {
	if path := os.Getenv(pidFileEnv); path != "" {
		os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())), 0o600)
	}
}

// helperServe is a plugin serving a fake builder plus the Test service.
func helperServe() int { return helperServeWith(&ServeConfig{}) }

// helperServeWith is helperServe with sc.
func helperServeWith(sc *ServeConfig) int {
	writePidFile()
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	err := Serve(ctx, stubBuilder{}, sc)
	code := exitCode(err, ctx.Err() != nil)
	if err != nil && code != ExitOK {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// helperHost is an intermediate host: it starts a "serve" plugin, connects,
// says "ready" and waits to be killed.
func helperHost() int {
	c := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: discardLogger()})
	if _, err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	return sleep()
}

// helperHostNoConnect starts a "serve" plugin and reads its handshake line
// but never connects.
func helperHostNoConnect() int {
	c := NewClient(&ClientConfig{Cmd: helperCmd("serve"), Logger: discardLogger()})
	env, _, err := c.launchEnv()
	if err != nil {
		return 1
	}
	p, err := startProcess(c.cfg.Cmd, env, c.cfg)
	if err != nil {
		return 1
	}
	if _, err := c.awaitHandshake(context.Background(), p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	return sleep()
}

// helperCmd returns a command running the test binary as helper mode.
func helperCmd(mode string, env ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	// The race detector sleeps a second at exit unless told otherwise.
	gorace := "GORACE=atexit_sleep_ms=0 " + os.Getenv("GORACE")
	cmd.Env = append(os.Environ(), append(env, helperEnv+"="+mode, gorace)...)
	return cmd
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestClient returns a client for a helper plugin with short timeouts,
// killed when the test ends. edit, if not nil, adjusts the config first.
func newTestClient(t testing.TB, mode string, edit func(*ClientConfig)) *Client {
	t.Helper()
	cfg := &ClientConfig{
		Cmd:          helperCmd(mode),
		StartTimeout: 20 * time.Second,
		KillTimeout:  2 * time.Second,
		Logger:       discardLogger(),
	}
	if edit != nil {
		edit(cfg)
	}
	c := NewClient(cfg)
	t.Cleanup(c.Kill)
	return c
}

// recorder is a slog.Handler that keeps every record.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) messages() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), r.records...)
}

// syncBuffer is a concurrency-safe bytes.Buffer stand-in.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// call asks the helper plugin's stubBuilder to do method with arg (see
// stubBuilder.Prepare) and stores its answer in *reply if reply is a
// *string.
func call(c *Client, method string, arg any, reply any) error {
	b, err := c.Builder()
	if err != nil {
		return err
	}
	warnings, err := b.Prepare(method, arg)
	if s, ok := reply.(*string); ok && len(warnings) > 0 {
		*s = warnings[0]
	}
	return err
}

// stubBuilder is the component of the helper plugins. Its Prepare, given
// a method name and an argument, echoes the argument back as its warning
// ("Echo"), exits the process with the argument as its status after a
// last line on stderr ("Crash"), or panics on another goroutine with the
// argument ("Panic"); with anything else it does nothing.
type stubBuilder struct{}

func (stubBuilder) Prepare(raws ...interface{}) ([]string, error) {
	if len(raws) != 2 {
		return nil, nil
	}
	switch raws[0] {
	case "Echo":
		s, _ := raws[1].(string)
		return []string{s}, nil
	case "Crash":
		fmt.Fprintln(os.Stderr, "about to crash")
		code, _ := raws[1].(int64)
		os.Exit(int(code))
	case "Panic":
		msg := fmt.Sprint(raws[1])
		go func() { panic(msg) }()
		time.Sleep(time.Hour)
	}
	return nil, nil
}
func (stubBuilder) Run(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
	return nil, nil
}

// helperEcho listens on loopback TCP, prints its address, and echoes every
// byte of one connection back: the floor the call benchmarks compare with.
func helperEcho() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	fmt.Println(ln.Addr())
	conn, err := ln.Accept()
	if err != nil {
		return 1
	}
	ln.Close()
	io.Copy(conn, conn)
	return 0
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}
