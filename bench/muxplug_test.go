package bench

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

// The muxplug side of the comparison: the same two calls as the go-plugin
// and old-design benchmarks, through the public plugin API.

// benchProvisioner answers Prepare with nothing to do and makes Provision
// call Ui.Say 100 times.
type benchProvisioner struct{}

func (benchProvisioner) Prepare(raws ...interface{}) error {
	if len(raws) != 1 {
		return fmt.Errorf("prepare: got %d raws", len(raws))
	}
	return nil
}

func (benchProvisioner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	for i := 0; i < 100; i++ {
		ui.Say("line")
	}
	return nil
}

func muxplugProvisionerMain() int {
	plugin.ServeProvisioner(benchProvisioner{})
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

// startMuxplug launches the muxplug provisioner child.
func startMuxplug(b *testing.B) (*plugin.Client, packer.Provisioner) {
	client := plugin.NewClient(&plugin.ClientConfig{
		Cmd:    childCmd(b, "muxplug-provisioner"),
		Stderr: io.Discard,
	})
	b.Cleanup(client.Kill)
	p, err := client.Provisioner()
	if err != nil {
		b.Fatal(err)
	}
	return client, p
}

var smallConfig = map[string]interface{}{"name": "bench"}

// BenchmarkMuxplugSmallCall is one small call into a muxplug process.
func BenchmarkMuxplugSmallCall(b *testing.B) {
	_, p := startMuxplug(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Prepare(smallConfig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMuxplugCallbacks100 is a Provision whose handler calls the
// host's Ui 100 times.
func BenchmarkMuxplugCallbacks100(b *testing.B) {
	_, p := startMuxplug(b)
	ui := new(countingUi)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Provision(ctx, ui, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got, want := ui.said.Load(), int64(100*b.N); got != want {
		b.Fatalf("Ui.Say called %d times, want %d", got, want)
	}
}

// BenchmarkMuxplugStart is launching a muxplug process up to the end of its
// first call.
func BenchmarkMuxplugStart(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		client, p := startMuxplug(b)
		if err := p.Prepare(smallConfig); err != nil {
			b.Fatal(err)
		}
		client.Kill()
	}
}

// execOnlyMain prints one line and waits for its parent: the floor for
// starting a plugin is exec of the same binary until its first line.
func execOnlyMain() int {
	exitOnStdinEOF()
	fmt.Println("ready")
	select {}
}

// BenchmarkFloorExec is starting this binary until its first stdout line.
func BenchmarkFloorExec(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cmd := childCmd(b, "exec-only")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdin, err := cmd.StdinPipe() // the child lives until this closes
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line := make([]byte, len("ready\n"))
		if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "ready\n" {
			b.Fatalf("first line %q, %v", line, err)
		}
		stdin.Close()
		cmd.Wait()
	}
}
