package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// environmentKind serves a packer.Environment as service "Environment".
// What it hands out is served in the scope the Environment is served in:
// until the Command's Run that carried it returns.
var environmentKind = &kind{svc: "Environment", rcvr: func(st site, obj interface{}) interface{} {
	return &environmentServer{st: st, env: obj.(packer.Environment)}
}}

// environmentClient is a packer.Environment whose methods are calls to an
// Environment the peer serves. The objects it returns are proxies whose
// streams belong to in, the scope of the Command.Run call that received
// the Environment.
type environmentClient struct {
	*peer
	in *scope
}

// Ui returns the peer's Ui. If the call fails, the failure is logged and
// the Ui returned fails every call with the same error.
func (e *environmentClient) Ui() packer.Ui {
	o, err := e.object("Ui", "")
	if err == nil {
		var ui packer.Ui
		if ui, err = importObject(e.in, e.b, o, uiKind.svc, newUiClient); err == nil {
			return ui
		}
	}
	e.logFailure("Ui", err)
	return newUiClient(brokenPeer(e.peer, uiKind.svc, err))
}

// Cache returns the peer's Cache; a failure is handled as in Ui.
func (e *environmentClient) Cache() packer.Cache {
	o, err := e.object("Cache", "")
	if err == nil {
		var c packer.Cache
		if c, err = importObject(e.in, e.b, o, cacheKind.svc, newCacheClient); err == nil {
			return c
		}
	}
	e.logFailure("Cache", err)
	return newCacheClient(brokenPeer(e.peer, cacheKind.svc, err))
}

func (e *environmentClient) Builder(name string) (packer.Builder, error) {
	return lookupComponent(e, "Builder", name, newBuilderClient)
}

func (e *environmentClient) Hook(name string) (packer.Hook, error) {
	return lookupComponent(e, "Hook", name, newHookClient)
}

func (e *environmentClient) Provisioner(name string) (packer.Provisioner, error) {
	return lookupComponent(e, "Provisioner", name, newProvisionerClient)
}

func (e *environmentClient) PostProcessor(name string) (packer.PostProcessor, error) {
	return lookupComponent(e, "PostProcessor", name, newPostProcessorClient)
}

// lookupComponent calls the Environment's method svc for name.
func lookupComponent[T any](e *environmentClient, svc, name string, mk func(*peer) T) (T, error) {
	o, err := e.object(svc, name)
	if err != nil {
		var zero T
		return zero, err
	}
	return importObject(e.in, e.b, o, svc, mk)
}

func (e *environmentClient) object(method, name string) (wire.Object, error) {
	var reply wire.ObjectReply
	err := e.call(method, &wire.StringArgs{S: name}, &reply)
	return reply.Object, err
}

// brokenPeer returns a peer like p's, for service svc, every call of which
// fails with err.
func brokenPeer(p *peer, svc string, err error) *peer {
	return &peer{b: p.b, svc: svc, link: &link{err: err, fixed: true}, opts: p.opts}
}

// environmentServer serves a packer.Environment.
type environmentServer struct {
	st  site
	env packer.Environment
}

func (s *environmentServer) Ui(_ *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.Ui", &reply.Err)
	o, err := s.st.export(uiKind, s.env.Ui())
	reply.Object, reply.Err = o, encodeError(err)
	return nil
}

func (s *environmentServer) Cache(_ *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.Cache", &reply.Err)
	o, err := s.st.export(cacheKind, s.env.Cache())
	reply.Object, reply.Err = o, encodeError(err)
	return nil
}

func (s *environmentServer) Builder(args *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.Builder", &reply.Err)
	b, err := s.env.Builder(args.S)
	s.reply(reply, builderKind, b, err)
	return nil
}

func (s *environmentServer) Hook(args *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.Hook", &reply.Err)
	h, err := s.env.Hook(args.S)
	s.reply(reply, hookKind, h, err)
	return nil
}

func (s *environmentServer) Provisioner(args *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.Provisioner", &reply.Err)
	p, err := s.env.Provisioner(args.S)
	s.reply(reply, provisionerKind, p, err)
	return nil
}

func (s *environmentServer) PostProcessor(args *wire.StringArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Environment.PostProcessor", &reply.Err)
	p, err := s.env.PostProcessor(args.S)
	s.reply(reply, postProcessorKind, p, err)
	return nil
}

// reply fills reply with obj, served in the Environment's scope, or err.
func (s *environmentServer) reply(reply *wire.ObjectReply, k *kind, obj interface{}, err error) {
	if err != nil {
		reply.Err = encodeError(err)
		return
	}
	reply.Object, err = s.st.export(k, obj)
	reply.Err = encodeError(err)
}
