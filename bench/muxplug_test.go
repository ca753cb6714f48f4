package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

// The muxplug side of the comparison, through the public plugin API over
// a Unix socket, as go-plugin runs: a provisioner whose Prepare is the
// small call and whose Provision either calls the host's Ui back 100 times
// or, given a Communicator, uploads bulkSize bytes through it; and a
// builder whose artifacts are the idle served objects.

// benchProvisioner answers Prepare with nothing to do, unless its config
// has "says", which sets how many lines each later Provision says (100
// until then), or "upload", which sets how many bytes a Provision given a
// Communicator uploads (bulkSize until then).
type benchProvisioner struct{ says, upload atomic.Int64 }

func (p *benchProvisioner) Prepare(raws ...interface{}) error {
	if len(raws) != 1 {
		return fmt.Errorf("prepare: got %d raws", len(raws))
	}
	if cfg, ok := raws[0].(map[string]interface{}); ok {
		if n, ok := cfg["says"].(int64); ok {
			p.says.Store(n)
		}
		if n, ok := cfg["upload"].(int64); ok {
			p.upload.Store(n)
		}
	}
	return nil
}

func (p *benchProvisioner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	if comm != nil {
		size := p.upload.Load()
		if size == 0 {
			size = bulkSize
		}
		return comm.Upload(ctx, "bench", &bulkSource{left: size}, nil)
	}
	n := p.says.Load()
	if n == 0 {
		n = 100
	}
	for i := int64(0); i < n; i++ {
		ui.Say("line")
	}
	return nil
}

// bulkSource reads left bulk bytes. Like the floors, which send one
// buffer over and over, it fills a buffer only the first time a Read is
// given it: the upload's sender reads into the same buffer every time.
type bulkSource struct {
	left   int64
	filled *byte // the first byte of the buffer last filled
}

func (s *bulkSource) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.left))
	if len(p) > 0 && s.filled != &p[0] {
		for i := range p {
			p[i] = bulkByte
		}
		s.filled = &p[0]
	}
	s.left -= int64(n)
	return n, nil
}

func muxplugProvisionerMain() int {
	plugin.ServeProvisioner(&benchProvisioner{})
	return 0
}

// countingUi counts the lines said to it, so every Provision's callbacks can
// be checked.
type countingUi struct{ said atomic.Int64 }

func (u *countingUi) Ask(string) (string, error) { return "", nil }
func (u *countingUi) Say(string)                 { u.said.Add(1) }
func (u *countingUi) Message(string)             {}
func (u *countingUi) Error(string)               {}
func (u *countingUi) Machine(string, ...string)  {}
func (u *countingUi) TrackProgress(_ string, _, _ int64, r io.ReadCloser) io.ReadCloser {
	return r
}

// bulkComm is the host's Communicator for the upload: it reads what
// arrives in bulkWrite reads and checks it.
type bulkComm struct {
	packer.Communicator // the other methods are not used
	got                 *bulkChecker
}

func (c *bulkComm) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	_, err := io.CopyBuffer(c.got, r, make([]byte, bulkWrite))
	return err
}

// startMuxplug launches a muxplug child in role; the client is killed
// when the benchmark ends.
func startMuxplug(b *testing.B, role string) *plugin.Client {
	client := plugin.NewClient(&plugin.ClientConfig{
		Cmd:     childCmd(b, role),
		Network: "unix",
		Stderr:  io.Discard,
	})
	b.Cleanup(client.Kill)
	return client
}

// muxplugProvisioner launches the provisioner child and dispenses it.
func muxplugProvisioner(b *testing.B) packer.Provisioner {
	p, err := startMuxplug(b, "muxplug-provisioner").Provisioner()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

var smallConfig = map[string]interface{}{"name": "bench"}

// muxplugSmall is the small call.
func muxplugSmall(p packer.Provisioner) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			if err := p.Prepare(smallConfig); err != nil {
				return err
			}
		}
		return nil
	})
}

// muxplugCallbacks is a Provision whose handler calls the host's Ui 100
// times.
func muxplugCallbacks(p packer.Provisioner) func(int) (time.Duration, error) {
	return muxplugSays(p, 100)
}

// muxplugSays is a Provision whose handler says says lines on the host's
// Ui; p has been prepared to say that many (see benchProvisioner).
func muxplugSays(p packer.Provisioner, says int) func(int) (time.Duration, error) {
	ui := new(countingUi)
	return timed(func(n int) error {
		ui.said.Store(0)
		for i := 0; i < n; i++ {
			if err := p.Provision(context.Background(), ui, nil); err != nil {
				return err
			}
		}
		if got := ui.said.Load(); got != int64(says*n) {
			return fmt.Errorf("Ui.Say called %d times, want %d", got, says*n)
		}
		return nil
	})
}

// muxplugSayer launches a provisioner child prepared to say says lines per
// Provision.
func muxplugSayer(b *testing.B, says int) packer.Provisioner {
	p := muxplugProvisioner(b)
	if err := p.Prepare(map[string]interface{}{"says": says}); err != nil {
		b.Fatal(err)
	}
	return p
}

// muxplugUpload is a Provision that uploads bulkSize bytes to the host's
// Communicator.
func muxplugUpload(p packer.Provisioner) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		comm := &bulkComm{got: &bulkChecker{}}
		for i := 0; i < n; i++ {
			if err := p.Provision(context.Background(), nil, comm); err != nil {
				return err
			}
		}
		return comm.got.check(int64(n) * bulkSize)
	})
}

// muxplugStart launches the provisioner child until its first small call
// returns, then kills it (not timed).
func muxplugStart(b *testing.B) func(int) (time.Duration, error) {
	return func(n int) (time.Duration, error) {
		var total time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			client := plugin.NewClient(&plugin.ClientConfig{
				Cmd: childCmd(b, "muxplug-provisioner"), Network: "unix", Stderr: io.Discard,
			})
			p, err := client.Provisioner()
			if err == nil {
				err = p.Prepare(smallConfig)
			}
			total += time.Since(start)
			client.Kill()
			if err != nil {
				return 0, err
			}
		}
		return total, nil
	}
}

// benchBuilder's Run returns a fresh artifact, served by the plugin for
// the rest of the session.
type benchBuilder struct{ n atomic.Int64 }

func (*benchBuilder) Prepare(...interface{}) ([]string, error) { return nil, nil }

func (b *benchBuilder) Run(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
	return &memArtifact{id: strconv.FormatInt(b.n.Add(1), 10)}, nil
}

// memArtifact answers State("mem") with the plugin's heap and stacks in
// use after full collections.
type memArtifact struct{ id string }

func (*memArtifact) BuilderId() string { return "bench" }
func (*memArtifact) Files() []string   { return nil }
func (a *memArtifact) Id() string      { return a.id }
func (a *memArtifact) String() string  { return a.id }
func (*memArtifact) Destroy() error    { return nil }

func (*memArtifact) State(name string) interface{} {
	if name != "mem" {
		return nil
	}
	m := memInUse()
	return []uint64{uint64(m.heap), uint64(m.stack)}
}

// mem is heap and stacks in use.
type mem struct{ heap, stack float64 }

// memInUse is heap plus stacks in use after full collections.
func memInUse() mem {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return mem{heap: float64(m.HeapInuse), stack: float64(m.StackInuse)}
}

func muxplugBuilderMain() int {
	plugin.ServeBuilder(&benchBuilder{})
	return 0
}

// pluginMem asks a's plugin for its memory in use.
func pluginMem(a packer.Artifact) (mem, error) {
	v, ok := a.State("mem").([]interface{})
	if !ok || len(v) != 2 {
		return mem{}, fmt.Errorf("State(\"mem\") = %T %v", v, v)
	}
	var m [2]float64
	for i, x := range v {
		switch x := x.(type) {
		case uint64:
			m[i] = float64(x)
		case int64:
			m[i] = float64(x)
		default:
			return mem{}, fmt.Errorf("State(\"mem\")[%d] = %T %v", i, x, x)
		}
	}
	return mem{heap: m[0], stack: m[1]}, nil
}

// idleObjects is how many artifacts the idle-memory benchmark holds.
const idleObjects = 500

// idleServedObject launches a builder child, has it serve idleObjects
// artifacts that the host calls once each, and returns what one costs in
// the plugin (the served end) and in the host (the proxy end).
func idleServedObject(b *testing.B) (served, proxy mem, err error) {
	builder, err := startMuxplug(b, "muxplug-builder").Builder()
	if err != nil {
		return served, proxy, err
	}
	ctx := context.Background()
	first, err := builder.Run(ctx, nil, nil)
	if err != nil {
		return served, proxy, err
	}
	pluginBefore, err := pluginMem(first)
	if err != nil {
		return served, proxy, err
	}
	arts := make([]packer.Artifact, idleObjects)
	hostBefore := memInUse()
	for i := range arts {
		if arts[i], err = builder.Run(ctx, nil, nil); err != nil {
			return served, proxy, err
		}
		if id := arts[i].Id(); id != strconv.Itoa(i+2) {
			return served, proxy, fmt.Errorf("artifact %d: Id() = %q", i, id)
		}
	}
	hostAfter := memInUse()
	pluginAfter, err := pluginMem(first)
	runtime.KeepAlive(arts)
	return perObject(pluginBefore, pluginAfter), perObject(hostBefore, hostAfter), err
}

// perObject is the growth from before to after, per idle object.
func perObject(before, after mem) mem {
	return mem{heap: (after.heap - before.heap) / idleObjects, stack: (after.stack - before.stack) / idleObjects}
}
