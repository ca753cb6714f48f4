package main

import (
	"fmt"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/termui"
)

// components launches the plugin of a template component and configures
// it, each call a new process.
type components struct {
	l  *launcher
	ui *termui.Ui // the root Ui; each component prints under its name
}

// configs returns the configurations to pass to Prepare or Configure.
func configs(c *Component) []interface{} {
	if c.Config == nil {
		return nil
	}
	return []interface{}{c.Config}
}

// builder returns the prepared builder of c, showing Prepare's warnings.
func (s *components) builder(c *Component) (packer.Builder, error) {
	client, err := s.l.start(c)
	if err != nil {
		return nil, err
	}
	b, err := client.Builder()
	if err != nil {
		return nil, fmt.Errorf("host: builder %q: %w", c.Name, err)
	}
	warnings, err := b.Prepare(configs(c)...)
	if err != nil {
		return nil, fmt.Errorf("host: prepare builder %q: %w", c.Name, err)
	}
	for _, w := range warnings {
		s.ui.Named(c.Name).Error("Warning: " + w)
	}
	return b, nil
}

// hook returns the hook of c; a hook is configured by its Args.
func (s *components) hook(c *Component) (packer.Hook, error) {
	client, err := s.l.start(c)
	if err != nil {
		return nil, err
	}
	h, err := client.Hook()
	if err != nil {
		return nil, fmt.Errorf("host: hook %q: %w", c.Name, err)
	}
	return h, nil
}

// provisioner returns the prepared provisioner of c.
func (s *components) provisioner(c *Component) (packer.Provisioner, error) {
	client, err := s.l.start(c)
	if err != nil {
		return nil, err
	}
	p, err := client.Provisioner()
	if err != nil {
		return nil, fmt.Errorf("host: provisioner %q: %w", c.Name, err)
	}
	if err := p.Prepare(configs(c)...); err != nil {
		return nil, fmt.Errorf("host: prepare provisioner %q: %w", c.Name, err)
	}
	return p, nil
}

// postProcessor returns the configured post-processor of c.
func (s *components) postProcessor(c *Component) (packer.PostProcessor, error) {
	client, err := s.l.start(c)
	if err != nil {
		return nil, err
	}
	p, err := client.PostProcessor()
	if err != nil {
		return nil, fmt.Errorf("host: post-processor %q: %w", c.Name, err)
	}
	if err := p.Configure(configs(c)...); err != nil {
		return nil, fmt.Errorf("host: configure post-processor %q: %w", c.Name, err)
	}
	return p, nil
}

// command returns the command plugin c.
func (s *components) command(c *Component) (packer.Command, error) {
	client, err := s.l.start(c)
	if err != nil {
		return nil, err
	}
	cmd, err := client.Command()
	if err != nil {
		return nil, fmt.Errorf("host: command %q: %w", c.Name, err)
	}
	return cmd, nil
}
