package plugin

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer/objrpc"
)

// debugPlugin is a helper plugin started by hand in debug mode, as a
// developer starts one under a debugger.
type debugPlugin struct {
	cmd      *exec.Cmd
	line     string // its reattach line
	exited   chan struct{}
	stderr   syncBuffer
	waitErr  error // set before exited is closed
	stdoutOK chan struct{}
}

// startDebugPlugin starts helper mode with DebugEnv=network and reads its
// reattach line. The plugin is stopped (SIGTERM) when the test ends.
func startDebugPlugin(t *testing.T, mode, network string) *debugPlugin {
	t.Helper()
	p := &debugPlugin{cmd: helperCmd(mode, DebugEnv+"="+network), exited: make(chan struct{}), stdoutOK: make(chan struct{})}
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	line, err := br.ReadString('\n') // bounded: the plugin prints it or exits
	go func() {                      // owned by the test: ends at the plugin's exit
		io.Copy(io.Discard, br)
		close(p.stdoutOK)
	}()
	go func() {
		<-p.stdoutOK
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	if err != nil {
		t.Fatalf("no reattach line: %v; stderr: %s", err, p.stderr.String())
	}
	p.line = strings.TrimSuffix(line, "\n")
	return p
}

// stop sends SIGTERM and waits for the plugin to exit, killing it if it
// does not within testTimeout.
func (p *debugPlugin) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(testTimeout):
		p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("debug plugin ignored SIGTERM; stderr: %s", p.stderr.String())
	}
}

func (p *debugPlugin) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// attach returns a client reattached to p, killed when the test ends.
func (p *debugPlugin) attach(t *testing.T) *Client {
	t.Helper()
	r, err := ParseReattach(p.line)
	if err != nil {
		t.Fatalf("ParseReattach(%q): %v", p.line, err)
	}
	c := NewClient(&ClientConfig{Reattach: r, Logger: discardLogger(), StartTimeout: testTimeout})
	t.Cleanup(c.Kill)
	return c
}

func TestReattach(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) { testReattach(t, network) })
	}
}

func testReattach(t *testing.T, network string) {
	p := startDebugPlugin(t, "set", network)
	r, err := ParseReattach(p.line)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pid != p.cmd.Process.Pid || r.Network != network || !reflect.DeepEqual(r.Kinds, []string{"builder"}) {
		t.Errorf("reattach line %q: pid %d network %s kinds %v; want pid %d, %s, [builder]",
			p.line, r.Pid, r.Network, r.Kinds, p.cmd.Process.Pid, network)
	}
	for i := range 2 { // one host after another
		c := p.attach(t)
		b, err := c.Builder()
		if err != nil {
			t.Fatalf("host %d: %v", i, err)
		}
		if got := countOf(t, b, "Count"); got != "1" {
			t.Errorf("host %d: the default builder's first count is %s: not a fresh session", i, got)
		}
		if _, err := c.BuilderNamed(testContext(t), "counter"); err != nil {
			t.Errorf("host %d: BuilderNamed: %v", i, err)
		}
		if st := c.Stats(); !st.Reattached || st.Pid != r.Pid || st.Started.IsZero() {
			t.Errorf("host %d: Stats = %+v", i, st)
		}
		c.Kill()
		if !c.Exited() {
			t.Errorf("host %d: a killed reattached client is not Exited", i)
		}
		if !p.running() {
			t.Fatalf("host %d: Kill of a reattached client ended the plugin: %v", i, p.waitErr)
		}
	}
}

// TestReattachTogether attaches two hosts at once.
func TestReattachTogether(t *testing.T) {
	p := startDebugPlugin(t, "set", "1")
	a, b := p.attach(t), p.attach(t)
	ba, err := a.BuilderNamed(testContext(t), "counter")
	if err != nil {
		t.Fatal(err)
	}
	bb, err := b.BuilderNamed(testContext(t), "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{countOf(t, ba, "Count"), countOf(t, bb, "Count"), countOf(t, ba, "Count")}; !reflect.DeepEqual(got, []string{"1", "1", "2"}) {
		t.Errorf("counts = %v, want [1 1 2]", got)
	}
	a.Kill()
	if got := countOf(t, bb, "Count"); got != "2" {
		t.Errorf("after the other host left: count = %s, want 2", got)
	}
}

// TestReattachExitRequest: a host asking the debug plugin to exit ends
// its session only; the next host attaches.
func TestReattachExitRequest(t *testing.T) {
	p := startDebugPlugin(t, "serve", "1")
	c := p.attach(t)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := callControl(testContext(t), c.conn, "Exit", new(objrpc.Empty)); err != nil {
		t.Fatalf("Control.Exit: %v", err)
	}
	select {
	case <-c.broker.Done():
	case <-time.After(testTimeout):
		t.Fatal("the plugin kept the session after Exit")
	}
	c2 := p.attach(t)
	var reply string
	if err := call(c2, "Echo", "again", &reply); err != nil || reply != "again" {
		t.Errorf("second host after Exit: %q, %v", reply, err)
	}
	c2.Kill()
	p.stop(t)
	if p.waitErr != nil {
		t.Errorf("debug plugin stopped by SIGTERM: %v, want exit 0", p.waitErr)
	}
}

// TestDebugIgnoredWhenLaunched: a plugin launched by a host ignores
// DebugEnv (it may be in the developer's environment).
func TestDebugIgnoredWhenLaunched(t *testing.T) {
	c := newTestClient(t, "serve", func(cfg *ClientConfig) { cfg.Cmd = helperCmd("serve", DebugEnv+"=1") })
	var reply string
	if err := call(c, "Echo", "x", &reply); err != nil || reply != "x" {
		t.Errorf("Echo = %q, %v", reply, err)
	}
}

func TestReattachWrongSecret(t *testing.T) {
	p := startDebugPlugin(t, "serve", "1")
	r, err := ParseReattach(p.line)
	if err != nil {
		t.Fatal(err)
	}
	r.Secret = strings.Repeat("ab", secretSize)
	c := NewClient(&ClientConfig{Reattach: r, Logger: discardLogger(), StartTimeout: testTimeout})
	defer c.Kill()
	if _, err := c.Start(); !errors.Is(err, ErrAuth) {
		t.Errorf("Start with a wrong secret = %v, want ErrAuth", err)
	}
	if good := p.attach(t); !goodStart(good) {
		t.Error("the right secret no longer attaches after a wrong one")
	}
}

func goodStart(c *Client) bool {
	_, err := c.Start()
	return err == nil
}

func TestParseReattach(t *testing.T) {
	secret := strings.Repeat("0f", secretSize)
	json := `{"protocol":1,"network":"tcp","addr":"127.0.0.1:10001","pid":42,"secret":"` + secret + `"}`
	for _, c := range []struct {
		name, in string
		ok       bool
	}{
		{"json", json, true},
		{"line", ReattachEnv + "='" + json + "'", true},
		{"export", "export " + ReattachEnv + "='" + json + "'\n", true},
		{"no quotes", ReattachEnv + "=" + json, true},
		{"not json", "pid=42", false},
		{"bad secret", strings.Replace(json, secret, "xyz", 1), false},
		{"bad network", strings.Replace(json, `"tcp"`, `"udp"`, 1), false},
		{"no address", strings.Replace(json, "127.0.0.1:10001", "", 1), false},
	} {
		r, err := ParseReattach(c.in)
		if c.ok != (err == nil) {
			t.Errorf("%s: ParseReattach(%q) = %v, %v", c.name, c.in, r, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: error %v does not wrap ErrInvalidConfig", c.name, err)
		}
		if err == nil {
			if again, err := ParseReattach(r.Line()); err != nil || !reflect.DeepEqual(again, r) {
				t.Errorf("%s: Line does not parse back: %q -> %v, %v", c.name, r.Line(), again, err)
			}
		}
	}
	t.Setenv(ReattachEnv, json)
	if r, err := ReattachFromEnv(); err != nil || r.Pid != 42 {
		t.Errorf("ReattachFromEnv = %+v, %v", r, err)
	}
	t.Setenv(ReattachEnv, "")
	if r, err := ReattachFromEnv(); r != nil || err != nil {
		t.Errorf("ReattachFromEnv without the variable = %+v, %v", r, err)
	}
}

func TestReattachConfigErrors(t *testing.T) {
	r := &ReattachConfig{Network: "tcp", Addr: "127.0.0.1:1", Secret: strings.Repeat("0f", secretSize)}
	for _, c := range []struct {
		name string
		cfg  *ClientConfig
	}{
		{"Cmd and Reattach", &ClientConfig{Cmd: exec.Command("x"), Reattach: r}},
		{"SecureConfig and Reattach", &ClientConfig{Reattach: r, SecureConfig: &SecureConfig{Checksum: make([]byte, 32)}}},
		{"bad Reattach", &ClientConfig{Reattach: &ReattachConfig{Network: "tcp", Addr: "x"}}},
	} {
		client := NewClient(c.cfg)
		if _, err := client.Start(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: Start = %v, want ErrInvalidConfig", c.name, err)
		}
		client.Kill()
	}
}
