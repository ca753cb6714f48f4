package remote

import (
	"fmt"

	"github.com/muxplug/muxplug/internal/archive"
	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
)

// Service names under which RegisterComponent serves components on the
// main object. A host reaches a plugin's component by calling
// "<name>.<Method>" on the plugin's main object; Conn's Builder,
// Command, ... do that.
const (
	BuilderService       = "Builder"
	CommandService       = "Command"
	HookService          = "Hook"
	PostProcessorService = "PostProcessor"
	ProvisionerService   = "Provisioner"
)

func init() {
	// The archive package's sentinels cross the wire like the runtime's
	// own: every muxplug side registers them, here.
	for code, sentinel := range map[string]error{
		"archive.unsafe_path": archive.ErrUnsafePath,
		"archive.unsupported": archive.ErrUnsupported,
		"archive.not_dir":     archive.ErrNotDir,
	} {
		if err := objrpc.RegisterError(code, sentinel); err != nil {
			panic(err) // a programming error: codes are fixed
		}
	}
}

// Conn is the RPC runtime of one connection (an *objrpc.Conn, whose
// methods it has) with the packer interfaces on it: a plugin registers its
// component with RegisterComponent, and a host reaches the plugin's
// component with Builder, Command, Hook, PostProcessor or Provisioner.
// A Conn is safe for concurrent use.
type Conn struct{ *objrpc.Conn }

// NewConn returns the runtime of b's connection (see objrpc.NewConn), with
// each of components served on this side's main object from the start, as
// RegisterComponent serves it. opts may be nil. Close it (or close b) when
// the connection is done.
func NewConn(b *mux.Broker, opts *objrpc.Options, components ...interface{}) (*Conn, error) {
	var o objrpc.Options
	if opts != nil {
		o = *opts
	}
	services := make(map[string]interface{}, len(o.Services)+len(components))
	for name, rcvr := range o.Services {
		services[name] = rcvr
	}
	for _, component := range components {
		if err := addComponent(services, component); err != nil {
			return nil, err
		}
	}
	o.Services = services
	c, err := objrpc.NewConn(b, &o)
	if err != nil {
		return nil, err
	}
	return &Conn{c}, nil
}

// addComponent adds the services of component to services.
func addComponent(services map[string]interface{}, component interface{}) error {
	kinds := componentKinds(component)
	if len(kinds) == 0 {
		return fmt.Errorf("remote: register: %T is not a Builder, Command, Hook, PostProcessor or Provisioner", component)
	}
	for _, k := range kinds {
		if services[k.Service()] != nil {
			return fmt.Errorf("remote: register %T as %s: service %s already defined", component, k.Service(), k.Service())
		}
		services[k.Service()] = k.Receiver(component)
	}
	return nil
}

// RegisterComponent serves component on this side's main object, under
// the service name of each of packer.Builder, packer.Command, packer.Hook,
// packer.PostProcessor and packer.Provisioner that it implements (see
// Services). Any other value is an error, as is a service name already
// registered. It does not block. A call that arrives before it is
// refused: a component the peer calls at once belongs in NewConn's
// components.
func (c *Conn) RegisterComponent(component interface{}) error {
	kinds := componentKinds(component)
	if len(kinds) == 0 {
		return fmt.Errorf("remote: register: %T is not a Builder, Command, Hook, PostProcessor or Provisioner", component)
	}
	for _, k := range kinds {
		if err := c.Register(k.Service(), k.Receiver(component)); err != nil {
			return fmt.Errorf("remote: register %T as %s: %w", component, k.Service(), err)
		}
	}
	return nil
}

// Builder returns a packer.Builder whose methods call the Builder the
// peer serves on its main object. It does not block until it is called
// and is safe for concurrent use; objects passed to its calls are served
// for as long as each call lasts. Calls fail with an error wrapping
// objrpc.ErrTransport once the connection is gone.
func (c *Conn) Builder() packer.Builder { return newBuilderClient(c.Main(BuilderService)) }

// Command is Builder for a packer.Command.
func (c *Conn) Command() packer.Command { return newCommandClient(c.Main(CommandService)) }

// Hook is Builder for a packer.Hook.
func (c *Conn) Hook() packer.Hook { return newHookClient(c.Main(HookService)) }

// PostProcessor is Builder for a packer.PostProcessor.
func (c *Conn) PostProcessor() packer.PostProcessor {
	return newPostProcessorClient(c.Main(PostProcessorService))
}

// Provisioner is Builder for a packer.Provisioner.
func (c *Conn) Provisioner() packer.Provisioner {
	return newProvisionerClient(c.Main(ProvisionerService))
}

// Services returns the service names RegisterComponent serves component
// under, in a fixed order (BuilderService, CommandService, HookService,
// PostProcessorService, ProvisionerService), or none if component is not a
// packer component. It is safe for concurrent use.
func Services(component interface{}) []string {
	var names []string
	for _, k := range componentKinds(component) {
		names = append(names, k.Service())
	}
	return names
}

// componentKinds returns the kinds of component component implements, in
// the order Services documents.
func componentKinds(component interface{}) []*objrpc.Kind {
	var kinds []*objrpc.Kind
	if _, ok := component.(packer.Builder); ok {
		kinds = append(kinds, builderKind)
	}
	if _, ok := component.(packer.Command); ok {
		kinds = append(kinds, commandKind)
	}
	if _, ok := component.(packer.Hook); ok {
		kinds = append(kinds, hookKind)
	}
	if _, ok := component.(packer.PostProcessor); ok {
		kinds = append(kinds, postProcessorKind)
	}
	if _, ok := component.(packer.Provisioner); ok {
		kinds = append(kinds, provisionerKind)
	}
	return kinds
}
