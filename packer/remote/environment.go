package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// environmentKind serves a packer.Environment as service "Environment".
// What it hands out is served in the scope the Environment is served in:
// until the Command's Run that carried it returns.
var environmentKind = objrpc.NewKind("Environment", func(obj interface{}) interface{} {
	return &environmentServer{env: obj.(packer.Environment)}
})

// environmentClient is a packer.Environment whose methods are calls to an
// Environment the peer serves. The objects it returns are proxies whose
// streams belong to its own scope: that of the Command.Run call that
// received the Environment.
type environmentClient struct{ *objrpc.Proxy }

func newEnvironmentClient(p *objrpc.Proxy) packer.Environment { return &environmentClient{p} }

// Ui returns the peer's Ui. If the call fails, the failure is logged and
// the Ui returned fails every call with the same error.
func (e *environmentClient) Ui() packer.Ui {
	ui, err := lookupObject(e, "Ui", "", uiKind, newUiClient)
	if err != nil {
		e.LogFailure("Ui", err)
		return newUiClient(e.Broken(uiKind.Service(), err))
	}
	return ui
}

// Cache returns the peer's Cache; a failure is handled as in Ui.
func (e *environmentClient) Cache() packer.Cache {
	c, err := lookupObject(e, "Cache", "", cacheKind, newCacheClient)
	if err != nil {
		e.LogFailure("Cache", err)
		return newCacheClient(e.Broken(cacheKind.Service(), err))
	}
	return c
}

func (e *environmentClient) Builder(name string) (packer.Builder, error) {
	return lookupObject(e, "Builder", name, builderKind, newBuilderClient)
}

func (e *environmentClient) Hook(name string) (packer.Hook, error) {
	return lookupObject(e, "Hook", name, hookKind, newHookClient)
}

func (e *environmentClient) Provisioner(name string) (packer.Provisioner, error) {
	return lookupObject(e, "Provisioner", name, provisionerKind, newProvisionerClient)
}

func (e *environmentClient) PostProcessor(name string) (packer.PostProcessor, error) {
	return lookupObject(e, "PostProcessor", name, postProcessorKind, newPostProcessorClient)
}

// lookupObject calls the Environment's method for name and imports the
// object it returns.
func lookupObject[T any](e *environmentClient, method, name string, k *objrpc.Kind, mk func(*objrpc.Proxy) T) (T, error) {
	var reply wire.ObjectReply
	if err := e.Call(method, &wire.StringArgs{S: name}, &reply); err != nil {
		var zero T
		return zero, err
	}
	return objrpc.ImportResult(e.Proxy, reply.Object, k, mk)
}

// environmentServer serves a packer.Environment.
type environmentServer struct{ env packer.Environment }

func (s *environmentServer) Ui(c *objrpc.Call, _ *wire.StringArgs, reply *wire.ObjectReply) error {
	var err error
	reply.Object, err = c.ExportResult(uiKind, s.env.Ui())
	return err
}

func (s *environmentServer) Cache(c *objrpc.Call, _ *wire.StringArgs, reply *wire.ObjectReply) error {
	var err error
	reply.Object, err = c.ExportResult(cacheKind, s.env.Cache())
	return err
}

func (s *environmentServer) Builder(c *objrpc.Call, args *wire.StringArgs, reply *wire.ObjectReply) error {
	b, err := s.env.Builder(args.S)
	return exportFound(c, reply, builderKind, b, err)
}

func (s *environmentServer) Hook(c *objrpc.Call, args *wire.StringArgs, reply *wire.ObjectReply) error {
	h, err := s.env.Hook(args.S)
	return exportFound(c, reply, hookKind, h, err)
}

func (s *environmentServer) Provisioner(c *objrpc.Call, args *wire.StringArgs, reply *wire.ObjectReply) error {
	p, err := s.env.Provisioner(args.S)
	return exportFound(c, reply, provisionerKind, p, err)
}

func (s *environmentServer) PostProcessor(c *objrpc.Call, args *wire.StringArgs, reply *wire.ObjectReply) error {
	p, err := s.env.PostProcessor(args.S)
	return exportFound(c, reply, postProcessorKind, p, err)
}

// exportFound fills reply with obj, served in the Environment's scope, or
// returns err.
func exportFound(c *objrpc.Call, reply *wire.ObjectReply, k *objrpc.Kind, obj interface{}, err error) error {
	if err != nil {
		return err
	}
	reply.Object, err = c.ExportResult(k, obj)
	return err
}
