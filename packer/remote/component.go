package remote

import (
	"fmt"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
)

// A component handed out by a call (a plugin set's named builder, say)
// crosses the wire as a reference, like an artifact: the side that serves
// it exports it with ExportComponent and the other imports the reference
// with ImportComponent. Served from a releasable object or the main
// object, it is itself releasable: it lives until the receiver's proxy of
// it is unreachable or the connection ends, on a stream of its own.

// componentKind is one of the five component interfaces: its Kind, a test
// that a value implements it, and the proxy constructor.
type componentKind struct {
	kind  *objrpc.Kind
	is    func(interface{}) bool
	proxy func(*objrpc.Proxy) interface{}
}

// componentKindOf returns the component interface served under service
// (BuilderService, ...).
func componentKindOf(service string) (componentKind, bool) {
	switch service {
	case BuilderService:
		return componentKind{builderKind, isA[packer.Builder],
			func(p *objrpc.Proxy) interface{} { return newBuilderClient(p) }}, true
	case CommandService:
		return componentKind{commandKind, isA[packer.Command],
			func(p *objrpc.Proxy) interface{} { return newCommandClient(p) }}, true
	case HookService:
		return componentKind{hookKind, isA[packer.Hook],
			func(p *objrpc.Proxy) interface{} { return newHookClient(p) }}, true
	case PostProcessorService:
		return componentKind{postProcessorKind, isA[packer.PostProcessor],
			func(p *objrpc.Proxy) interface{} { return newPostProcessorClient(p) }}, true
	case ProvisionerService:
		return componentKind{provisionerKind, isA[packer.Provisioner],
			func(p *objrpc.Proxy) interface{} { return newProvisionerClient(p) }}, true
	}
	return componentKind{}, false
}

func isA[T any](v interface{}) bool {
	_, ok := v.(T)
	return ok
}

// lookupComponent returns the component interface of service, checking
// that component (if not nil) implements it.
func lookupComponent(service string, component interface{}) (componentKind, error) {
	ck, ok := componentKindOf(service)
	switch {
	case !ok:
		return ck, fmt.Errorf("remote: %q is not a component service", service)
	case component != nil && !ck.is(component):
		return ck, fmt.Errorf("remote: %T is not a %s", component, service)
	}
	return ck, nil
}

// ComponentReceiver returns the receiver that serves component as the
// component interface service names (BuilderService, ...) and no other, as
// objrpc.Options.Services and objrpc.Conn.Register take it. It fails if
// service is not a component service or component does not implement it.
// It does not block.
func ComponentReceiver(service string, component interface{}) (interface{}, error) {
	if component == nil {
		return nil, fmt.Errorf("remote: nil %s", service)
	}
	ck, err := lookupComponent(service, component)
	if err != nil {
		return nil, err
	}
	return ck.kind.Receiver(component), nil
}

// ExportComponent serves component, as the component interface service
// names, for the caller of the served call c to keep (objrpc's
// Call.ExportResult), and returns its reference for c's reply. Each call
// serves a new object with an id and stream of its own, even for a
// component exported before. A nil component is the nil reference. It
// does not block.
func ExportComponent(c *objrpc.Call, service string, component interface{}) (objrpc.Ref, error) {
	ck, err := lookupComponent(service, component)
	if err != nil {
		return objrpc.Ref{}, err
	}
	return c.ExportResult(ck.kind, component)
}

// ImportComponent returns the component that r, received in the reply of
// a call made through p, names: a packer.Builder, packer.Command,
// packer.Hook, packer.PostProcessor or packer.Provisioner according to
// service, whose methods call the peer's object, or nil for the nil
// reference. It does not block; the proxy dials its stream on first use
// and is safe for concurrent use.
func ImportComponent(p *objrpc.Proxy, service string, r objrpc.Ref) (interface{}, error) {
	ck, err := lookupComponent(service, nil)
	if err != nil {
		return nil, err
	}
	return objrpc.ImportResult(p, r, ck.kind, ck.proxy)
}
