package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote"
	"github.com/muxplug/muxplug/plugin/internal/wire"
)

// BuilderNamed returns a fresh instance of the builder called name in the
// plugin's set (see Set), starting the client if needed. The instance is
// served on a stream of its own over the client's one connection, shares
// no state with other instances, and lives until the returned builder is
// unreachable (the host's garbage collector found it so) or the client is
// killed. A name the plugin does not offer fails with an error wrapping
// ErrUnknownComponent that lists what it offers; a plugin that predates
// sets fails with ErrNoSets.
//
// BuilderNamed blocks like Start, then for one round trip to the plugin,
// bounded by ctx. It is safe for concurrent use, and so is the builder
// as far as the plugin's builder is.
func (c *Client) BuilderNamed(ctx context.Context, name string) (packer.Builder, error) {
	v, err := c.named(ctx, KindBuilder, name)
	if err != nil {
		return nil, err
	}
	return v.(packer.Builder), nil
}

// CommandNamed is BuilderNamed for a command.
func (c *Client) CommandNamed(ctx context.Context, name string) (packer.Command, error) {
	v, err := c.named(ctx, KindCommand, name)
	if err != nil {
		return nil, err
	}
	return v.(packer.Command), nil
}

// HookNamed is BuilderNamed for a hook.
func (c *Client) HookNamed(ctx context.Context, name string) (packer.Hook, error) {
	v, err := c.named(ctx, KindHook, name)
	if err != nil {
		return nil, err
	}
	return v.(packer.Hook), nil
}

// PostProcessorNamed is BuilderNamed for a post-processor.
func (c *Client) PostProcessorNamed(ctx context.Context, name string) (packer.PostProcessor, error) {
	v, err := c.named(ctx, KindPostProcessor, name)
	if err != nil {
		return nil, err
	}
	return v.(packer.PostProcessor), nil
}

// ProvisionerNamed is BuilderNamed for a provisioner.
func (c *Client) ProvisionerNamed(ctx context.Context, name string) (packer.Provisioner, error) {
	v, err := c.named(ctx, KindProvisioner, name)
	if err != nil {
		return nil, err
	}
	return v.(packer.Provisioner), nil
}

// named asks the plugin for a fresh instance of the component of kind k
// called name (Control.Component) and imports it.
func (c *Client) named(ctx context.Context, k Kind, name string) (interface{}, error) {
	rc, err := c.session()
	if err != nil {
		return nil, err
	}
	ctl := rc.Main(controlName)
	var reply wire.ComponentReply
	err = ctl.CallContext(ctx, "Component", &wire.ComponentArgs{Kind: string(k), Name: name}, &reply)
	if err == nil && reply.Object.ID == 0 {
		err = fmt.Errorf("%w: the plugin returned no %s", objrpc.ErrProtocol, k)
	}
	if err != nil {
		if errors.Is(err, objrpc.ErrProtocol) && !errors.Is(err, objrpc.ErrTransport) {
			err = fmt.Errorf("%w (%w)", ErrNoSets, err)
		}
		return nil, fmt.Errorf("plugin: %s: %s %q: %w", c.cfg.Name, k, name, err)
	}
	v, err := remote.ImportComponent(ctl, serviceOf(k), reply.Object)
	if err != nil {
		return nil, fmt.Errorf("plugin: %s: %s %q: %w", c.cfg.Name, k, name, err)
	}
	return v, nil
}

// session starts the client if needed and returns its runtime, or why the
// plugin cannot take calls.
func (c *Client) session() (*remote.Conn, error) {
	if _, err := c.Start(); err != nil {
		return nil, err
	}
	select {
	case <-c.killed:
		return nil, fmt.Errorf("plugin: %s: %w", c.cfg.Name, ErrKilled)
	default:
	}
	if err := c.alive(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn, nil
}

// Description asks the running plugin what it offers (Control.Info),
// starting the client if needed: what describe prints, without running
// the binary again, and the one way to learn it for a reattached plugin.
// A plugin that predates sets reports its default components and no
// version. It blocks like Start, then for one round trip bounded by ctx,
// and is safe for concurrent use.
func (c *Client) Description(ctx context.Context) (*Description, error) {
	rc, err := c.session()
	if err != nil {
		return nil, err
	}
	var info wire.Info
	if err := callControl(ctx, rc, "Info", &info); err != nil {
		return nil, err
	}
	d := &Description{Version: info.Version, ProtocolVersions: slices.Clone(info.Versions)}
	for _, ks := range allKinds {
		names := info.Components[string(ks.kind)]
		if info.Components == nil && slices.Contains(info.Kinds, string(ks.kind)) {
			names = []string{DefaultName}
		}
		*d.list(ks.kind) = slices.Clone(names)
	}
	d.fill()
	return d, nil
}
