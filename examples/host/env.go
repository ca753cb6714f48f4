package main

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/termui"
)

// environment is the packer.Environment the host lends a command plugin.
// Every component it returns is the template's component of that name, in
// a new plugin process, prepared or configured from the template; a hook
// dispensed by the host is configured by its "args". Safe for concurrent
// use.
type environment struct {
	tpl   *Template
	comps *components
	ui    *termui.Ui
	cache *dirCache
}

var _ packer.Environment = (*environment)(nil)

// Ui returns the command's Ui.
func (e *environment) Ui() packer.Ui { return e.ui }

// Cache returns the host's cache, a directory under the output directory.
func (e *environment) Cache() packer.Cache { return e.cache }

// Builder returns the template's builder called name.
func (e *environment) Builder(name string) (packer.Builder, error) {
	c, err := e.tpl.component(kindBuilder, name)
	if err != nil {
		return nil, err
	}
	return e.comps.builder(c)
}

// Hook returns the template's hook called name.
func (e *environment) Hook(name string) (packer.Hook, error) {
	c, err := e.tpl.component(kindHook, name)
	if err != nil {
		return nil, err
	}
	return e.comps.hook(c)
}

// Provisioner returns the template's provisioner called name.
func (e *environment) Provisioner(name string) (packer.Provisioner, error) {
	c, err := e.tpl.component(kindProvisioner, name)
	if err != nil {
		return nil, err
	}
	return e.comps.provisioner(c)
}

// PostProcessor returns the template's post-processor called name.
func (e *environment) PostProcessor(name string) (packer.PostProcessor, error) {
	c, err := e.tpl.component(kindPostProcessor, name)
	if err != nil {
		return nil, err
	}
	return e.comps.postProcessor(c)
}
