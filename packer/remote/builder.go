package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// builderKind serves a packer.Builder as service "Builder".
var builderKind = &kind{svc: "Builder", rcvr: func(st site, obj interface{}) interface{} {
	return &builderServer{st: st, b: obj.(packer.Builder)}
}}

// builderClient is a packer.Builder whose methods are calls to a Builder
// the peer serves.
type builderClient struct{ *peer }

func newBuilderClient(p *peer) packer.Builder { return &builderClient{p} }

func (c *builderClient) Prepare(raws ...interface{}) ([]string, error) {
	enc, err := encodeRaws(raws)
	if err != nil {
		return nil, err
	}
	var reply wire.PrepareReply
	err = c.call("Prepare", &wire.ConfigArgs{Raws: enc}, &reply)
	return reply.Warnings, err
}

// Run serves ui and hook to the peer for as long as the call lasts, and
// returns the peer's artifact as a proxy that lasts as long as the session.
func (c *builderClient) Run(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
	out := newScope(c.b, c.opts)
	defer out.close()
	args := new(wire.BuilderRunArgs)
	var err error
	if args.Ui, err = out.export(uiKind, ui); err != nil {
		return nil, err
	}
	if args.Hook, err = out.export(hookKind, hook); err != nil {
		return nil, err
	}
	var reply wire.ObjectReply
	err = c.callCtx(ctx, "Run", &args.Call, args, &reply)
	art, ierr := importReturned(c.peer, reply.Object)
	if err == nil {
		err = ierr
	}
	return art, err
}

// importReturned turns the artifact a call returned into a packer.Artifact:
// the caller's own object for "yours", else a proxy for the session.
func importReturned(p *peer, o wire.Object) (packer.Artifact, error) {
	if o.ID == 0 || o.Yours {
		return importObject[packer.Artifact](nil, p.b, o, artifactKind.svc, nil)
	}
	return newArtifactClient(newSessionPeer(p.b, p.opts, artifactKind.svc, o.ID)), nil
}

// builderServer serves a packer.Builder.
type builderServer struct {
	st    site
	b     packer.Builder
	calls callTable
}

func (s *builderServer) Prepare(args *wire.ConfigArgs, reply *wire.PrepareReply) error {
	defer s.st.guard("Builder.Prepare", &reply.Err)
	raws, err := decodeRaws(args.Raws)
	if err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	warnings, err := s.b.Prepare(raws...)
	reply.Warnings, reply.Err = warnings, encodeError(err)
	return nil
}

func (s *builderServer) Run(args *wire.BuilderRunArgs, reply *wire.ObjectReply) error {
	defer s.st.guard("Builder.Run", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	in := s.st.inbound()
	defer in.close()
	ui, err := in.importUi(args.Ui)
	var hook packer.Hook
	if err == nil {
		hook, err = in.importHook(args.Hook)
	}
	if err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	art, err := s.b.Run(ctx, ui, hook)
	reply.Err = encodeError(err)
	reply.Object, err = exportSession(s.st.b, s.st.opts, artifactKind, art)
	if reply.Err == nil {
		reply.Err = encodeError(err)
	}
	return nil
}

func (s *builderServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}
