package plugin

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote"
)

// Builder returns a builder implementation that is communicating over this
// client. If the client hasn't been started, this will start it (and block
// like Start). The builder is safe for concurrent use as far as the
// plugin's builder is; it stops working when the client is killed.
func (c *Client) Builder() (packer.Builder, error) {
	rc, b, err := c.dispense(kindBuilder)
	if err != nil {
		return nil, err
	}
	return remote.NewBuilder(rc, b, c.remoteOptions()), nil
}

// Command returns a command implementation that is communicating over this
// client. If the client hasn't been started, this will start it.
func (c *Client) Command() (packer.Command, error) {
	rc, b, err := c.dispense(kindCommand)
	if err != nil {
		return nil, err
	}
	return remote.NewCommand(rc, b, c.remoteOptions()), nil
}

// Hook returns a hook implementation that is communicating over this
// client. If the client hasn't been started, this will start it.
func (c *Client) Hook() (packer.Hook, error) {
	rc, b, err := c.dispense(kindHook)
	if err != nil {
		return nil, err
	}
	return remote.NewHook(rc, b, c.remoteOptions()), nil
}

// PostProcessor returns a post-processor implementation that is
// communicating over this client. If the client hasn't been started, this
// will start it.
func (c *Client) PostProcessor() (packer.PostProcessor, error) {
	rc, b, err := c.dispense(kindPostProcessor)
	if err != nil {
		return nil, err
	}
	return remote.NewPostProcessor(rc, b, c.remoteOptions()), nil
}

// Provisioner returns a provisioner implementation that is communicating
// over this client. If the client hasn't been started, this will start it.
func (c *Client) Provisioner() (packer.Provisioner, error) {
	rc, b, err := c.dispense(kindProvisioner)
	if err != nil {
		return nil, err
	}
	return remote.NewProvisioner(rc, b, c.remoteOptions()), nil
}

// dispense starts the client if needed and checks that the plugin serves
// kind and is still running.
func (c *Client) dispense(kind string) (*remote.Client, *mux.Broker, error) {
	if _, err := c.Start(); err != nil {
		return nil, nil, err
	}
	select {
	case <-c.killed:
		return nil, nil, fmt.Errorf("plugin: %s: %w", c.cfg.Name, ErrKilled)
	default:
	}
	c.mu.Lock()
	rc, b, p, kinds := c.rpc, c.broker, c.proc, c.kinds
	c.mu.Unlock()
	select {
	case <-p.exited:
		return nil, nil, p.exitError(nil)
	default:
	}
	if !slices.Contains(kinds, kind) {
		return nil, nil, fmt.Errorf("%w: %s serves %s, not a %s", ErrWrongKind, c.cfg.Name, strings.Join(kinds, ", "), kind)
	}
	return rc, b, nil
}

func (c *Client) remoteOptions() *remote.Options {
	return &remote.Options{Logger: c.cfg.Logger, WrapTransportError: c.wrapTransport}
}

// registerComponent adds the component's net/rpc service to srv.
func registerComponent(srv *remote.Server, b *mux.Broker, component interface{}, log *slog.Logger) error {
	return remote.Register(srv, b, component, &remote.Options{Logger: log})
}
