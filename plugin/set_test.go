package plugin

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// testTimeout bounds the waits of these tests, as testContext does.
const testTimeout = 20 * time.Second

// wantSetDescription is what the "set" helper describes.
var wantSetDescription = &Description{
	Version:          testSetVersion,
	ProtocolVersions: []int{ProtocolVersion},
	Builders:         []string{"-", "blocker", "counter", "stub"},
	Commands:         []string{"hello"},
	Hooks:            []string{"mark"},
	PostProcessors:   []string{"keep"},
	Provisioners:     []string{"say"},
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		name string
		cmd  *exec.Cmd
		want *Description
	}{
		{"set", helperCmd("set"), wantSetDescription},
		{"set with cookie", helperCmd("set", MagicCookieKey+"="+MagicCookieValue), wantSetDescription},
		{"one builder (ServeBuilder)", helperCmd("realserve"), &Description{ProtocolVersions: []int{ProtocolVersion},
			Builders: []string{"-"}, Commands: []string{}, Hooks: []string{}, PostProcessors: []string{}, Provisioners: []string{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Describe(testContext(t), c.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d, c.want) {
				t.Errorf("Describe = %+v, want %+v", d, c.want)
			}
			if c.cmd.Process != nil {
				t.Error("Describe started the Cmd it was given, not a copy")
			}
		})
	}
}

// TestDescribeOutput runs the binary with describe by hand: JSON on
// stdout, exit status 0.
func TestDescribeOutput(t *testing.T) {
	cmd := helperCmd("set")
	cmd.Args = append(cmd.Args[:1], describeArg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	for _, want := range []string{`"version": "1.2.3-test"`, `"protocol_versions": [`, `"builders": [`, `"post_processors": [`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("describe printed no %s:\n%s", want, out)
		}
	}
}

func TestDescribeNotAPlugin(t *testing.T) {
	_, err := Describe(testContext(t), helperCmd("exit"))
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || !strings.Contains(err.Error(), "configuration missing") {
		t.Errorf("Describe of a binary that exits 3 = %v, want an *ExitError with its output", err)
	}
	_, err = Describe(testContext(t), helperCmd("notjson"))
	if err == nil || !strings.Contains(err.Error(), "not a description") {
		t.Errorf("Describe of a binary printing junk = %v", err)
	}
}

func TestDescribeContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Describe(ctx, helperCmd("hang"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Describe of a hanging binary = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Describe took %v after its deadline", d)
	}
}

// countOf calls Prepare(what) on a counter and returns its warning.
func countOf(t *testing.T, b packer.Builder, what string) string {
	t.Helper()
	w, err := b.Prepare(what)
	if err != nil || len(w) != 1 {
		t.Fatalf("Prepare(%q) = %q, %v", what, w, err)
	}
	return w[0]
}

func TestSetFreshInstances(t *testing.T) {
	c := newTestClient(t, "set", nil)
	ctx := testContext(t)
	a, err := c.BuilderNamed(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.BuilderNamed(ctx, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{countOf(t, a, "Count"), countOf(t, a, "Count"), countOf(t, b, "Count")}; !reflect.DeepEqual(got, []string{"1", "2", "1"}) {
		t.Errorf("counts of a, a, b = %v, want [1 2 1]: instances share state", got)
	}
	// The default builder was made when the host connected; a and b since.
	if got := countOf(t, a, "Made"); got != "3" {
		t.Errorf("instances made = %s, want 3", got)
	}
	def, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	if got := countOf(t, def, "Count"); got != "1" {
		t.Errorf("default builder's first count = %s", got)
	}
	if pid := countOf(t, b, "Pid"); pid != fmt.Sprint(c.Stats().Pid) {
		t.Errorf("instance runs in pid %s, the client's plugin is %d", pid, c.Stats().Pid)
	}
}

// countOfNamed calls Prepare(what) on a fresh instance of the named
// counter.
func countOfNamed(t *testing.T, c *Client, name, what string) string {
	t.Helper()
	b, err := c.BuilderNamed(testContext(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return countOf(t, b, what)
}

// TestSetEveryKind obtains a component of every kind from one process,
// concurrently, and uses each.
func TestSetEveryKind(t *testing.T) {
	c := newTestClient(t, "set", nil)
	ctx := testContext(t)
	ui := &packertest.Ui{}
	uses := map[string]func() error{
		"builder": func() error {
			b, err := c.BuilderNamed(ctx, "stub")
			if err == nil {
				_, err = b.Run(ctx, ui, nil)
			}
			return err
		},
		"hook": func() error {
			h, err := c.HookNamed(ctx, "mark")
			if err == nil {
				err = h.Run(ctx, packer.HookProvision, ui, nil, "data")
			}
			return err
		},
		"post-processor": func() error {
			p, err := c.PostProcessorNamed(ctx, "keep")
			if err == nil {
				err = p.Configure(map[string]interface{}{"k": "v"})
			}
			return err
		},
		"provisioner": func() error {
			p, err := c.ProvisionerNamed(ctx, "say")
			if err == nil {
				err = p.Prepare()
			}
			return err
		},
		"command": func() error {
			cmd, err := c.CommandNamed(ctx, "hello")
			if err == nil && (cmd.Synopsis() != "says hello" || cmd.Run(ctx, nil, nil) != 7) {
				err = errors.New("command answered wrong")
			}
			return err
		},
	}
	var wg sync.WaitGroup
	for kind, use := range uses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := use(); err != nil {
				t.Errorf("%s: %v", kind, err)
			}
		}()
	}
	wg.Wait()
	if made := countOfNamed(t, c, "counter", "Made"); made != "7" {
		t.Errorf("one process made %s instances, want 7 (the default builder, five, and the one asked)", made)
	}
}

func TestSetUnknownName(t *testing.T) {
	c := newTestClient(t, "set", nil)
	_, err := c.ProvisionerNamed(testContext(t), "shel")
	if !errors.Is(err, ErrUnknownComponent) {
		t.Fatalf("ProvisionerNamed(unknown) = %v, want ErrUnknownComponent", err)
	}
	for _, want := range []string{`no provisioner named "shel"`, `builders "-", "blocker", "counter", "stub"`, `provisioners "say"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
	// The session goes on.
	if _, err := c.ProvisionerNamed(testContext(t), "say"); err != nil {
		t.Errorf("after an unknown name: %v", err)
	}
}

func TestSetWithoutDefault(t *testing.T) {
	c := newTestClient(t, "set-nodefault", nil)
	_, err := c.Builder()
	if !errors.Is(err, ErrWrongKind) || !strings.Contains(err.Error(), "by name") {
		t.Errorf("Builder of a set without default = %v, want ErrWrongKind saying to ask by name", err)
	}
	b, err := c.BuilderNamed(testContext(t), "counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := countOf(t, b, "Count"); got != "1" {
		t.Errorf("count = %s", got)
	}
	d, err := c.Description(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != testSetVersion || !reflect.DeepEqual(d.Builders, []string{"blocker", "counter", "stub"}) {
		t.Errorf("Client.Description = %+v", d)
	}
}

// TestNamedOnSingleComponent asks a ServeBuilder plugin for its one
// component by name.
func TestNamedOnSingleComponent(t *testing.T) {
	c := newTestClient(t, "realserve", nil)
	if _, err := c.BuilderNamed(testContext(t), DefaultName); err != nil {
		t.Errorf("BuilderNamed(%q) on a ServeBuilder plugin: %v", DefaultName, err)
	}
	if _, err := c.BuilderNamed(testContext(t), "other"); !errors.Is(err, ErrUnknownComponent) {
		t.Errorf("BuilderNamed(other) = %v", err)
	}
}

// TestNamedReleased drops a named component's proxy and waits, collecting
// garbage, until its stream has closed: the plugin no longer serves it.
func TestNamedReleased(t *testing.T) {
	c := newTestClient(t, "set", nil)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	before := c.Stats().Streams
	func() {
		b, err := c.BuilderNamed(testContext(t), "counter")
		if err != nil {
			t.Fatal(err)
		}
		countOf(t, b, "Count") // dials its stream
		if n := c.Stats().Streams; n != before+1 {
			t.Errorf("streams with a named builder in use: %d, want %d", n, before+1)
		}
	}()
	deadline := time.Now().Add(testTimeout)
	for c.Stats().Streams > before {
		if time.Now().After(deadline) {
			t.Fatalf("the released builder's stream is still open: %d streams, want %d", c.Stats().Streams, before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // poll: the release crosses the wire
	}
}

func TestRegisterMisuse(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(s *Set)
	}{
		{"empty name", func(s *Set) { s.RegisterBuilder("", func() packer.Builder { return stubBuilder{} }) }},
		{"bad name", func(s *Set) { s.RegisterHook("a b", func() packer.Hook { return &packertest.Hook{} }) }},
		{"long name", func(s *Set) {
			s.RegisterProvisioner(strings.Repeat("x", maxNameLen+1), func() packer.Provisioner { return &packertest.Provisioner{} })
		}},
		{"nil factory", func(s *Set) { s.RegisterCommand("c", nil) }},
		{"twice", func(s *Set) {
			s.RegisterBuilder("b", func() packer.Builder { return stubBuilder{} })
			s.RegisterBuilder("b", func() packer.Builder { return stubBuilder{} })
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.do(NewSet())
		})
	}
}

func TestServeEmptySet(t *testing.T) {
	err := NewSet().Serve(context.Background(), &ServeConfig{Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Serve of an empty set = %v, want ErrInvalidConfig", err)
	}
}

func TestDescriptionLookup(t *testing.T) {
	d := testSet(true).Description()
	if err := d.Lookup(KindHook, "mark"); err != nil {
		t.Errorf("Lookup(hook, mark) = %v", err)
	}
	for _, c := range []struct {
		kind Kind
		name string
		want string
	}{
		{KindHook, "marker", `no hook named "marker"; the plugin offers builders`},
		{"datasource", "x", `no component kind "datasource"`},
	} {
		err := d.Lookup(c.kind, c.name)
		if !errors.Is(err, ErrUnknownComponent) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Lookup(%s, %s) = %v, want ErrUnknownComponent saying %q", c.kind, c.name, err, c.want)
		}
	}
	if got := (&Description{}).offers(); got != "the plugin offers no components" {
		t.Errorf("offers of nothing = %q", got)
	}
}
