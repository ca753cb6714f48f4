package plugin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote"
)

// Builder returns a builder implementation that is communicating over this
// client. If the client hasn't been started, this will start it (and block
// like Start). The builder is safe for concurrent use as far as the
// plugin's builder is; it stops working when the client is killed.
func (c *Client) Builder() (packer.Builder, error) {
	rc, err := c.dispense(kindBuilder)
	if err != nil {
		return nil, err
	}
	return rc.Builder(), nil
}

// Command returns a command implementation that is communicating over this
// client. If the client hasn't been started, this will start it.
func (c *Client) Command() (packer.Command, error) {
	rc, err := c.dispense(kindCommand)
	if err != nil {
		return nil, err
	}
	return rc.Command(), nil
}

// Hook returns a hook implementation that is communicating over this
// client. If the client hasn't been started, this will start it.
func (c *Client) Hook() (packer.Hook, error) {
	rc, err := c.dispense(kindHook)
	if err != nil {
		return nil, err
	}
	return rc.Hook(), nil
}

// PostProcessor returns a post-processor implementation that is
// communicating over this client. If the client hasn't been started, this
// will start it.
func (c *Client) PostProcessor() (packer.PostProcessor, error) {
	rc, err := c.dispense(kindPostProcessor)
	if err != nil {
		return nil, err
	}
	return rc.PostProcessor(), nil
}

// Provisioner returns a provisioner implementation that is communicating
// over this client. If the client hasn't been started, this will start it.
func (c *Client) Provisioner() (packer.Provisioner, error) {
	rc, err := c.dispense(kindProvisioner)
	if err != nil {
		return nil, err
	}
	return rc.Provisioner(), nil
}

// dispense starts the client if needed and checks that the plugin serves
// kind and is still running.
func (c *Client) dispense(kind string) (*remote.Conn, error) {
	rc, err := c.session()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	kinds := c.kinds
	c.mu.Unlock()
	if !slices.Contains(kinds, kind) {
		if len(kinds) == 0 { // a set without default components
			return nil, fmt.Errorf("%w: %s has no default %s; ask for one by name", ErrWrongKind, c.cfg.Name, kind)
		}
		return nil, fmt.Errorf("%w: %s serves %s, not a %s", ErrWrongKind, c.cfg.Name, strings.Join(kinds, ", "), kind)
	}
	return rc, nil
}
