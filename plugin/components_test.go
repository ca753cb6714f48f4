package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// Helper plugins serving real components through the real Serve* entry
// points.
func init() {
	helpers["builder"] = func() int {
		plugin := &packertest.Builder{
			PrepareFunc: func(raws ...interface{}) ([]string, error) {
				return []string{fmt.Sprintf("got %d raws", len(raws))}, nil
			},
			HookData: map[string]interface{}{"ip": "10.0.0.7"},
			ArtifactValue: &packertest.Artifact{
				BuilderIdValue: "test.builder", IdValue: "ami-123", StringValue: "an image",
				FilesValue: []string{"disk.img"}, StateValues: map[string]interface{}{"region": "eu-west-1"},
			},
		}
		ServeBuilder(plugin)
		return 0
	}
	helpers["crashbuilder"] = func() int {
		ServeBuilder(&packertest.Builder{RunFunc: func(_ context.Context, ui packer.Ui, _ packer.Hook) (packer.Artifact, error) {
			ui.Say("building")
			fmt.Fprintln(os.Stderr, "fatal: disk on fire")
			if os.Getenv("CRASH_HOW") == "panic" {
				go func() { panic("goroutine kaboom") }()
				time.Sleep(time.Hour)
			}
			os.Exit(9)
			return nil, nil
		}})
		return 0
	}
	helpers["panicbuilder"] = func() int {
		ServeBuilder(&packertest.Builder{RunFunc: func(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
			panic("method kaboom")
		}})
		return 0
	}
	helpers["provisioner"] = func() int { ServeProvisioner(&packertest.Provisioner{ProvisionFunc: provisionFiles}); return 0 }
	helpers["postprocessor"] = func() int { ServePostProcessor(&packertest.PostProcessor{Keep: true}); return 0 }
	helpers["hook"] = func() int {
		ServeHook(&packertest.Hook{RunFunc: func(_ context.Context, name string, ui packer.Ui, _ packer.Communicator, data interface{}) error {
			ui.Say(fmt.Sprintf("hook %s got %v", name, data))
			if name == "fail" {
				return errors.New("hook refused")
			}
			return nil
		}})
		return 0
	}
	helpers["command"] = func() int {
		ServeCommand(&packertest.Command{HelpText: "long help", SynopsisText: "builds things", RunFunc: commandBuild})
		return 0
	}
}

// provisionFiles runs a command, uploads a file with progress and uploads
// a directory through the host's communicator.
func provisionFiles(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	var out bytes.Buffer
	cmd := &packer.RemoteCmd{Command: "echo hello", Stdout: &out}
	if err := comm.Start(ctx, cmd); err != nil {
		return err
	}
	if err := cmd.Wait(ctx); err != nil {
		return err
	}
	ui.Say("command said " + strings.TrimSpace(out.String()))
	data := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	r := ui.TrackProgress("payload", 0, int64(len(data)), io.NopCloser(bytes.NewReader(data)))
	err := comm.Upload(ctx, "/remote/payload", r, &packer.FileInfo{Name: "payload", Size: int64(len(data)), Mode: 0o644})
	r.Close()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "muxplug-updir-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("alpha"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "b.txt"), []byte("beta"), 0o644)
	os.WriteFile(filepath.Join(dir, "skip.log"), []byte("no"), 0o644)
	return comm.UploadDir(ctx, "/remote/dir", dir+"/", []string{"*.log"})
}

// commandBuild obtains a builder from the host's environment and runs it.
func commandBuild(ctx context.Context, env packer.Environment, args []string) int {
	b, err := env.Builder(args[0])
	if err != nil {
		env.Ui().Error(err.Error())
		return 1
	}
	if _, err := b.Prepare(map[string]interface{}{"from": "command"}); err != nil {
		return 2
	}
	art, err := b.Run(ctx, env.Ui(), nil)
	if err != nil || art == nil {
		return 3
	}
	env.Ui().Say("built " + art.Id())
	return 42
}

// fakeComm is a host-side Communicator that records what it is given.
type fakeComm struct {
	mu       sync.Mutex
	commands []string
	uploads  map[string][]byte
	dirs     map[string][]string // dst -> files relative to src
}

func (c *fakeComm) Start(_ context.Context, cmd *packer.RemoteCmd) error {
	c.mu.Lock()
	c.commands = append(c.commands, cmd.Command)
	c.mu.Unlock()
	go func() {
		if cmd.Stdout != nil {
			io.WriteString(cmd.Stdout, strings.TrimPrefix(cmd.Command, "echo ")+"\n")
		}
		cmd.SetExited(0)
	}()
	return nil
}

func (c *fakeComm) Upload(_ context.Context, dst string, r io.Reader, _ *packer.FileInfo) error {
	b, err := io.ReadAll(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.uploads == nil {
		c.uploads = map[string][]byte{}
	}
	c.uploads[dst] = b
	return err
}

func (c *fakeComm) Download(context.Context, string, io.Writer) error {
	return errors.New("fakeComm: no downloads")
}

func (c *fakeComm) UploadDir(_ context.Context, dst, src string, _ []string) error {
	var files []string
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(src, path)
			b, _ := os.ReadFile(path)
			files = append(files, rel+"="+string(b))
		}
		return err
	})
	sort.Strings(files)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirs == nil {
		c.dirs = map[string][]string{}
	}
	c.dirs[dst] = files
	return err
}

func (c *fakeComm) DownloadDir(context.Context, string, string, []string) error {
	return errors.New("fakeComm: no downloads")
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestBuilderRoundTrip(t *testing.T) {
	c := newTestClient(t, "builder", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	warns, err := b.Prepare(map[string]interface{}{"a": 1}, "second")
	if err != nil || !reflect.DeepEqual(warns, []string{"got 2 raws"}) {
		t.Errorf("Prepare = %q, %v", warns, err)
	}
	ui, hook := &packertest.Ui{}, &packertest.Hook{}
	art, err := b.Run(testContext(t), ui, hook)
	if err != nil || art == nil {
		t.Fatalf("Run = %v, %v", art, err)
	}
	if art.BuilderId() != "test.builder" || art.Id() != "ami-123" || art.String() != "an image" ||
		!reflect.DeepEqual(art.Files(), []string{"disk.img"}) || art.State("region") != "eu-west-1" {
		t.Errorf("artifact = %q %q %q %q %v", art.BuilderId(), art.Id(), art.String(), art.Files(), art.State("region"))
	}
	if err := art.Destroy(); err != nil {
		t.Errorf("Destroy = %v", err)
	}
	if calls := hook.Calls(); len(calls) != 1 || calls[0].Name != packer.HookProvision ||
		!reflect.DeepEqual(calls[0].Data, map[string]interface{}{"ip": "10.0.0.7"}) {
		t.Errorf("hook calls = %+v", calls)
	}
	if says := ui.Texts(packertest.KindSay); len(says) == 0 {
		t.Errorf("the builder said nothing on the host's Ui: %v", ui.Records())
	}
	if _, err := c.Provisioner(); !errors.Is(err, ErrWrongKind) {
		t.Errorf("Provisioner from a builder plugin = %v, want ErrWrongKind", err)
	}
}

func TestProvisionerRoundTrip(t *testing.T) {
	c := newTestClient(t, "provisioner", nil)
	p, err := c.Provisioner()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Prepare(map[string]interface{}{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	ui, comm := &packertest.Ui{}, &fakeComm{}
	if err := p.Provision(testContext(t), ui, comm); err != nil {
		t.Fatalf("Provision = %v", err)
	}
	if !reflect.DeepEqual(comm.commands, []string{"echo hello"}) {
		t.Errorf("commands = %q", comm.commands)
	}
	if !reflect.DeepEqual(ui.Texts(packertest.KindSay), []string{"command said hello"}) {
		t.Errorf("ui = %v", ui.Records())
	}
	if got := comm.uploads["/remote/payload"]; len(got) != 1_000_000 || !bytes.HasPrefix(got, []byte("0123456789")) {
		t.Errorf("uploaded %d bytes", len(got))
	}
	if got, want := comm.dirs["/remote/dir"], []string{"a.txt=alpha", "sub/b.txt=beta"}; !reflect.DeepEqual(got, want) {
		t.Errorf("uploaded dir = %q, want %q", got, want)
	}
	prog := ui.Progress()
	if len(prog) == 0 {
		t.Error("no progress reported on the host's Ui")
	}
}

func TestPostProcessorRoundTrip(t *testing.T) {
	c := newTestClient(t, "postprocessor", nil)
	pp, err := c.PostProcessor()
	if err != nil {
		t.Fatal(err)
	}
	if err := pp.Configure(map[string]interface{}{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	in := &packertest.Artifact{IdValue: "img-1", StringValue: "raw image", FilesValue: []string{"a"}}
	out, keep, err := pp.PostProcess(testContext(t), &packertest.Ui{}, in)
	if err != nil || !keep || out == nil {
		t.Fatalf("PostProcess = %v, %v, %v", out, keep, err)
	}
	if out.Id() != "img-1" || out.String() != "post-processed raw image" {
		t.Errorf("result artifact %q %q", out.Id(), out.String())
	}
}

func TestHookRoundTrip(t *testing.T) {
	c := newTestClient(t, "hook", nil)
	h, err := c.Hook()
	if err != nil {
		t.Fatal(err)
	}
	ui := &packertest.Ui{}
	if err := h.Run(testContext(t), "point", ui, nil, "data"); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if got := ui.Texts(packertest.KindSay); !reflect.DeepEqual(got, []string{"hook point got data"}) {
		t.Errorf("ui = %q", got)
	}
	if err := h.Run(testContext(t), "fail", ui, nil, nil); err == nil || !strings.Contains(err.Error(), "hook refused") {
		t.Errorf("failing Run = %v", err)
	}
}

func TestCommandRoundTrip(t *testing.T) {
	c := newTestClient(t, "command", nil)
	cmd, err := c.Command()
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Help() != "long help" || cmd.Synopsis() != "builds things" {
		t.Errorf("Help, Synopsis = %q, %q", cmd.Help(), cmd.Synopsis())
	}
	ui := &packertest.Ui{}
	inner := &packertest.Builder{ArtifactValue: &packertest.Artifact{IdValue: "ami-9"}}
	env := &packertest.Environment{UiValue: ui, Builders: map[string]packer.Builder{"inner": inner}}
	if code := cmd.Run(testContext(t), env, []string{"inner"}); code != 42 {
		t.Errorf("Run = %d, want 42; ui: %v", code, ui.Records())
	}
	if got := ui.Texts(packertest.KindSay); len(got) == 0 || got[len(got)-1] != "built ami-9" {
		t.Errorf("ui = %q", got)
	}
	if calls := inner.PrepareCalls(); len(calls) != 1 {
		t.Errorf("inner builder prepared %d times", len(calls))
	}
}

// TestComponentCrash kills the plugin in the middle of Builder.Run: the call
// must fail within a second with the exit status and the last output.
func TestComponentCrash(t *testing.T) {
	tests := []struct {
		how  string
		code int
		tail string
	}{
		{"exit", 9, "fatal: disk on fire"},
		{"panic", 2, "panic: goroutine kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.how, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, "crashbuilder", func(c *ClientConfig) {
				c.Cmd.Env = append(c.Cmd.Env, "CRASH_HOW="+tt.how)
			})
			b, err := c.Builder()
			if err != nil {
				t.Fatal(err)
			}
			ui := &packertest.Ui{}
			start := time.Now()
			_, err = b.Run(testContext(t), ui, nil)
			if d := time.Since(start); d > time.Second {
				t.Errorf("Run failed after %v, want < 1s", d)
			}
			var ee *ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("Run error %v: want an *ExitError", err)
			}
			if ee.Code != tt.code || !strings.Contains(strings.Join(ee.Tail, "\n"), tt.tail) {
				t.Errorf("ExitError code %d tail %q; want %d and %q", ee.Code, ee.Tail, tt.code, tt.tail)
			}
			if !c.Exited() {
				t.Error("Exited is false after the crash")
			}
			if _, err := c.Builder(); !errors.As(err, &ee) {
				t.Errorf("Builder after the crash = %v, want an *ExitError", err)
			}
		})
	}
}

// TestComponentPanic: a panic inside a plugin method is an error carrying
// the panic text, and the plugin keeps serving.
func TestComponentPanic(t *testing.T) {
	c := newTestClient(t, "panicbuilder", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err = b.Run(testContext(t), &packertest.Ui{}, nil)
		if err == nil || !strings.Contains(err.Error(), "method kaboom") {
			t.Errorf("Run = %v, want an error carrying the panic", err)
		}
	}
	if c.Exited() {
		t.Error("a recovered panic killed the plugin")
	}
}
