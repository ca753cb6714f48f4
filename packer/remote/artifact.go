package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// artifactKind serves a packer.Artifact as service "Artifact".
var artifactKind = objrpc.NewKind("Artifact", func(obj interface{}) interface{} {
	return &artifactServer{a: obj.(packer.Artifact)}
})

// artifactClient is a packer.Artifact whose every method is a call to an
// Artifact the peer serves; nothing is cached. Methods without an error
// result log a failed call and return the zero value.
type artifactClient struct{ *objrpc.Proxy }

func newArtifactClient(p *objrpc.Proxy) packer.Artifact { return &artifactClient{p} }

func (a *artifactClient) BuilderId() string { return a.str("BuilderId") }

func (a *artifactClient) Id() string { return a.str("Id") }

func (a *artifactClient) String() string { return a.str("String") }

func (a *artifactClient) str(method string) string {
	var reply wire.StringReply
	a.LogFailure(method, a.Call(method, new(objrpc.NoArgs), &reply))
	return reply.S
}

func (a *artifactClient) Files() []string {
	var reply wire.StringsReply
	a.LogFailure("Files", a.Call("Files", new(objrpc.NoArgs), &reply))
	return reply.S
}

// State returns the peer's value decoded as described in the package doc,
// or nil (logging why) if the call or the decoding fails.
func (a *artifactClient) State(name string) interface{} {
	var reply wire.ValueReply
	if err := a.Call("State", &wire.StringArgs{S: name}, &reply); err != nil {
		a.LogFailure("State", err)
		return nil
	}
	v, err := objrpc.DecodeValue("artifact state", reply.Value)
	a.LogFailure("State", err)
	return v
}

func (a *artifactClient) Destroy() error {
	return a.Call("Destroy", new(objrpc.NoArgs), new(objrpc.Empty))
}

// artifactServer serves a packer.Artifact.
type artifactServer struct{ a packer.Artifact }

func (s *artifactServer) BuilderId(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringReply) error {
	reply.S = s.a.BuilderId()
	return nil
}

func (s *artifactServer) Id(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringReply) error {
	reply.S = s.a.Id()
	return nil
}

func (s *artifactServer) String(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringReply) error {
	reply.S = s.a.String()
	return nil
}

func (s *artifactServer) Files(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringsReply) error {
	reply.S = s.a.Files()
	return nil
}

func (s *artifactServer) State(_ *objrpc.Call, args *wire.StringArgs, reply *wire.ValueReply) error {
	v, err := objrpc.EncodeValue("artifact state "+args.S, s.a.State(args.S))
	reply.Value = v
	return err
}

func (s *artifactServer) Destroy(_ *objrpc.Call, _ *objrpc.NoArgs, _ *objrpc.Empty) error {
	return s.a.Destroy()
}
