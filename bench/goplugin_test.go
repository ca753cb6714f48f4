package bench

import (
	"fmt"
	"io"
	"net/rpc"
	"testing"
	"time"

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

// ProvisionArgs is Provision's argument: the id the host serves its Ui on
// and how many lines to say.
type ProvisionArgs struct {
	UI   uint32
	Says int
}

// Provision dials the host's Ui served on args.UI and says args.Says lines.
func (p *goProvisioner) Provision(args ProvisionArgs, reply *int) error {
	conn, err := p.broker.Dial(args.UI)
	if err != nil {
		return err
	}
	ui := rpc.NewClient(conn)
	defer ui.Close()
	for i := 0; i < args.Says; i++ {
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

// startGoPlugin launches the go-plugin child and dispenses its
// provisioner; the child is killed when the benchmark ends.
func startGoPlugin(b *testing.B) *goProvisionerClient {
	client, p, err := newGoPlugin(b)
	b.Cleanup(client.Kill)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// newGoPlugin launches the go-plugin child (over a Unix socket, its
// default here) and dispenses its provisioner.
func newGoPlugin(b *testing.B) (*goplugin.Client, *goProvisionerClient, error) {
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  goPluginHandshake,
		Plugins:          goplugin.PluginSet{"provisioner": goProvisionerPlugin{}},
		Cmd:              childCmd(b, "goplugin"),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolNetRPC},
		Logger:           hclog.NewNullLogger(),
		Stderr:           io.Discard,
	})
	rc, err := client.Client()
	if err != nil {
		return client, nil, err
	}
	raw, err := rc.Dispense("provisioner")
	if err != nil {
		return client, nil, err
	}
	return client, raw.(*goProvisionerClient), nil
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

func (c *goProvisionerClient) provision(says int) error {
	id := c.broker.NextId()
	go c.broker.AcceptAndServe(id, goUi{})
	var total int
	if err := c.client.Call("Plugin.Provision", ProvisionArgs{UI: id, Says: says}, &total); err != nil {
		return err
	}
	if total != says*len("line") {
		return fmt.Errorf("provision: got %d", total)
	}
	return nil
}

// goPluginSmall is the small call.
func goPluginSmall(p *goProvisionerClient) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			if err := p.prepare(); err != nil {
				return err
			}
		}
		return nil
	})
}

// goPluginCallbacks is a call whose handler calls the host's Ui 100 times
// over a freshly brokered stream.
func goPluginCallbacks(p *goProvisionerClient) func(int) (time.Duration, error) {
	return goPluginSays(p, 100)
}

// goPluginSays is a call whose handler says says lines on the host's Ui.
func goPluginSays(p *goProvisionerClient, says int) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			if err := p.provision(says); err != nil {
				return err
			}
		}
		return nil
	})
}

// goPluginStart launches a go-plugin process until its first small call
// returns, then kills it (not timed).
func goPluginStart(b *testing.B) func(int) (time.Duration, error) {
	return func(n int) (time.Duration, error) {
		var total time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			client, p, err := newGoPlugin(b)
			if err == nil {
				err = p.prepare()
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
