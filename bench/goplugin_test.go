package bench

import (
	"fmt"
	"io"
	"net/rpc"
	"testing"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// The go-plugin side of the comparison: its net/rpc protocol (the one that,
// like muxplug, runs net/rpc over yamux streams), with the same two calls
// the muxplug benchmarks make: a small Prepare, and a Provision that calls
// the host's Ui back 100 times over a broker stream.

var goPluginHandshake = goplugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "MUXPLUG_BENCH_GOPLUGIN",
	MagicCookieValue: "bench",
}

// PrepareArgs is the small call's argument, as gob needs a concrete type.
type PrepareArgs struct{ Config map[string]string }

// goProvisioner is the plugin's net/rpc receiver.
type goProvisioner struct{ broker *goplugin.MuxBroker }

func (p *goProvisioner) Prepare(args PrepareArgs, reply *string) error {
	*reply = args.Config["name"]
	return nil
}

// Provision dials the host's Ui served on uiID and says 100 lines.
func (p *goProvisioner) Provision(uiID uint32, reply *int) error {
	conn, err := p.broker.Dial(uiID)
	if err != nil {
		return err
	}
	ui := rpc.NewClient(conn)
	defer ui.Close()
	for i := 0; i < 100; i++ {
		var n int
		if err := ui.Call("Plugin.Say", "line", &n); err != nil {
			return err
		}
		*reply += n
	}
	return nil
}

// goUi is the host's Ui receiver; Say returns the length it was given so
// the benchmark can check every reply.
type goUi struct{}

func (goUi) Say(msg string, n *int) error { *n = len(msg); return nil }

type goProvisionerPlugin struct{}

func (goProvisionerPlugin) Server(b *goplugin.MuxBroker) (interface{}, error) {
	return &goProvisioner{broker: b}, nil
}

func (goProvisionerPlugin) Client(b *goplugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return &goProvisionerClient{broker: b, client: c}, nil
}

type goProvisionerClient struct {
	broker *goplugin.MuxBroker
	client *rpc.Client
}

func goPluginMain() int {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: goPluginHandshake,
		Plugins:         goplugin.PluginSet{"provisioner": goProvisionerPlugin{}},
		Logger:          hclog.NewNullLogger(),
	})
	return 0
}

// startGoPlugin launches the go-plugin child and dispenses its provisioner.
func startGoPlugin(b *testing.B) (*goplugin.Client, *goProvisionerClient) {
	cmd := childCmd(b, "goplugin")
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  goPluginHandshake,
		Plugins:          goplugin.PluginSet{"provisioner": goProvisionerPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolNetRPC},
		Logger:           hclog.NewNullLogger(),
		Stderr:           io.Discard,
	})
	b.Cleanup(client.Kill)
	rc, err := client.Client()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := rc.Dispense("provisioner")
	if err != nil {
		b.Fatal(err)
	}
	return client, raw.(*goProvisionerClient)
}

func (c *goProvisionerClient) prepare() error {
	var reply string
	if err := c.client.Call("Plugin.Prepare", PrepareArgs{Config: map[string]string{"name": "bench"}}, &reply); err != nil {
		return err
	}
	if reply != "bench" {
		return fmt.Errorf("prepare: got %q", reply)
	}
	return nil
}

func (c *goProvisionerClient) provision() error {
	id := c.broker.NextId()
	go c.broker.AcceptAndServe(id, goUi{})
	var total int
	if err := c.client.Call("Plugin.Provision", id, &total); err != nil {
		return err
	}
	if total != 100*len("line") {
		return fmt.Errorf("provision: got %d", total)
	}
	return nil
}

// BenchmarkGoPluginSmallCall is one small call into a go-plugin process.
func BenchmarkGoPluginSmallCall(b *testing.B) {
	_, p := startGoPlugin(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.prepare(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoPluginCallbacks100 is a call whose handler calls the host's
// Ui 100 times over a freshly brokered stream.
func BenchmarkGoPluginCallbacks100(b *testing.B) {
	_, p := startGoPlugin(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.provision(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoPluginStart is launching a go-plugin process up to the end of
// its first call.
func BenchmarkGoPluginStart(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		client, p := startGoPlugin(b)
		if err := p.prepare(); err != nil {
			b.Fatal(err)
		}
		client.Kill()
	}
}
