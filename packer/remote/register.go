package remote

import (
	"fmt"
	"net/rpc"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
)

// Service names under which Register serves components. A host reaches a
// plugin's component by calling "<name>.<Method>" on the main stream; the
// New functions do that.
const (
	BuilderService       = "Builder"
	CommandService       = "Command"
	HookService          = "Hook"
	PostProcessorService = "PostProcessor"
	ProvisionerService   = "Provisioner"
)

// Registrar is where Register adds a component's services: a *Server, or
// an *rpc.Server using package codec.
type Registrar interface {
	RegisterName(name string, rcvr interface{}) error
}

// Register registers component's service on srv, to be served on a stream
// of b (the plugin serves srv on the main stream, id 0). A *Server serves
// it with fewer goroutine hand-offs per call than an *rpc.Server. component must
// implement at least one of packer.Builder, packer.Command, packer.Hook,
// packer.PostProcessor and packer.Provisioner; it is registered under the
// service name of each one it implements (BuilderService, ...). Any other
// value is an error, as is a name srv already serves.
//
// The registered service lives as long as srv is served; the objects its
// calls hand out (the artifacts a Builder or PostProcessor returns) live as
// long as b's session. Register does not block and is safe for concurrent
// use.
func Register(srv Registrar, b *mux.Broker, component interface{}, opts *Options) error {
	if isNil(srv) || b == nil {
		return fmt.Errorf("remote: register %T: nil Registrar or mux.Broker", component)
	}
	st := site{b: b, opts: newOptions(opts)}
	kinds := componentKinds(component)
	if len(kinds) == 0 {
		return fmt.Errorf("remote: register: %T is not a Builder, Command, Hook, PostProcessor or Provisioner", component)
	}
	for _, k := range kinds {
		if err := registerKind(srv, k.svc, k.rcvr(st, component)); err != nil {
			return fmt.Errorf("remote: register %T as %s: %w", component, k.svc, err)
		}
	}
	return nil
}

// isNil reports whether srv is nil or a nil pointer of the two known
// kinds.
func isNil(srv Registrar) bool {
	switch s := srv.(type) {
	case nil:
		return true
	case *Server:
		return s == nil
	case *rpc.Server:
		return s == nil
	}
	return false
}

// registerKind registers one of this package's receivers; a Server runs
// its Cancel inline.
func registerKind(srv Registrar, name string, rcvr interface{}) error {
	if s, ok := srv.(*Server); ok {
		return s.register(name, rcvr, true)
	}
	return srv.RegisterName(name, rcvr)
}

// NewBuilder returns a packer.Builder whose methods call the Builder that
// the peer serves on c (see Register), over b; neither may be nil. c and b
// stay the caller's: closing them is the caller's business, and calls fail
// with ErrTransport once they are closed. The Builder does not block
// until it is called and is safe for concurrent use; objects passed to
// its calls are served on b for as long as each call lasts.
func NewBuilder(c Caller, b *mux.Broker, opts *Options) packer.Builder {
	return newBuilderClient(newMainPeer(c, b, BuilderService, opts))
}

// NewCommand is NewBuilder for a packer.Command.
func NewCommand(c Caller, b *mux.Broker, opts *Options) packer.Command {
	return newCommandClient(newMainPeer(c, b, CommandService, opts))
}

// NewHook is NewBuilder for a packer.Hook.
func NewHook(c Caller, b *mux.Broker, opts *Options) packer.Hook {
	return newHookClient(newMainPeer(c, b, HookService, opts))
}

// NewPostProcessor is NewBuilder for a packer.PostProcessor.
func NewPostProcessor(c Caller, b *mux.Broker, opts *Options) packer.PostProcessor {
	return newPostProcessorClient(newMainPeer(c, b, PostProcessorService, opts))
}

// NewProvisioner is NewBuilder for a packer.Provisioner.
func NewProvisioner(c Caller, b *mux.Broker, opts *Options) packer.Provisioner {
	return newProvisionerClient(newMainPeer(c, b, ProvisionerService, opts))
}

// Services returns the service names Register serves component under, in
// a fixed order (BuilderService, CommandService, HookService,
// PostProcessorService, ProvisionerService), or none if component is not a
// packer component. It is safe for concurrent use.
func Services(component interface{}) []string {
	var names []string
	for _, k := range componentKinds(component) {
		names = append(names, k.svc)
	}
	return names
}

// componentKinds returns the kinds of component component implements, in
// the order Services documents.
func componentKinds(component interface{}) []*kind {
	var kinds []*kind
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
