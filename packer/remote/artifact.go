package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// artifactKind serves a packer.Artifact as service "Artifact".
var artifactKind = &kind{svc: "Artifact", rcvr: func(st site, obj interface{}) interface{} {
	return &artifactServer{st: st, a: obj.(packer.Artifact)}
}}

// artifactClient is a packer.Artifact whose every method is a call to an
// Artifact the peer serves; nothing is cached. Methods without an error
// result log a failed call and return the zero value.
type artifactClient struct{ *peer }

func newArtifactClient(p *peer) packer.Artifact { return &artifactClient{p} }

func (a *artifactClient) BuilderId() string { return a.str("BuilderId") }

func (a *artifactClient) Id() string { return a.str("Id") }

func (a *artifactClient) String() string { return a.str("String") }

func (a *artifactClient) str(method string) string {
	var reply wire.StringReply
	a.logFailure(method, a.call(method, new(wire.Empty), &reply))
	return reply.S
}

func (a *artifactClient) Files() []string {
	var reply wire.StringsReply
	a.logFailure("Files", a.call("Files", new(wire.Empty), &reply))
	return reply.S
}

// State returns the peer's value decoded as described in the package doc,
// or nil (logging why) if the call or the decoding fails.
func (a *artifactClient) State(name string) interface{} {
	var reply wire.ValueReply
	if err := a.call("State", &wire.StringArgs{S: name}, &reply); err != nil {
		a.logFailure("State", err)
		return nil
	}
	v, err := decodeValue("artifact state", reply.Value)
	a.logFailure("State", err)
	return v
}

func (a *artifactClient) Destroy() error {
	return a.call("Destroy", new(wire.Empty), new(wire.ErrReply))
}

// artifactServer serves a packer.Artifact.
type artifactServer struct {
	st site
	a  packer.Artifact
}

func (s *artifactServer) BuilderId(_ *wire.Empty, reply *wire.StringReply) error {
	defer s.st.guard("Artifact.BuilderId", &reply.Err)
	reply.S = s.a.BuilderId()
	return nil
}

func (s *artifactServer) Id(_ *wire.Empty, reply *wire.StringReply) error {
	defer s.st.guard("Artifact.Id", &reply.Err)
	reply.S = s.a.Id()
	return nil
}

func (s *artifactServer) String(_ *wire.Empty, reply *wire.StringReply) error {
	defer s.st.guard("Artifact.String", &reply.Err)
	reply.S = s.a.String()
	return nil
}

func (s *artifactServer) Files(_ *wire.Empty, reply *wire.StringsReply) error {
	defer s.st.guard("Artifact.Files", &reply.Err)
	reply.S = s.a.Files()
	return nil
}

func (s *artifactServer) State(args *wire.StringArgs, reply *wire.ValueReply) error {
	defer s.st.guard("Artifact.State", &reply.Err)
	v, err := encodeValue("artifact state "+args.S, s.a.State(args.S))
	reply.Value, reply.Err = v, encodeError(err)
	return nil
}

func (s *artifactServer) Destroy(_ *wire.Empty, reply *wire.ErrReply) error {
	defer s.st.guard("Artifact.Destroy", &reply.Err)
	reply.Err = encodeError(s.a.Destroy())
	return nil
}
