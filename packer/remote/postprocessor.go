package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// postProcessorKind serves a packer.PostProcessor as service
// "PostProcessor".
var postProcessorKind = &kind{svc: "PostProcessor", rcvr: func(st site, obj interface{}) interface{} {
	return &postProcessorServer{st: st, p: obj.(packer.PostProcessor)}
}}

// postProcessorClient is a packer.PostProcessor whose methods are calls to
// a PostProcessor the peer serves.
type postProcessorClient struct{ *peer }

func newPostProcessorClient(p *peer) packer.PostProcessor { return &postProcessorClient{p} }

func (c *postProcessorClient) Configure(raws ...interface{}) error {
	enc, err := encodeRaws(raws)
	if err != nil {
		return err
	}
	return c.call("Configure", &wire.ConfigArgs{Raws: enc}, new(wire.ErrReply))
}

// PostProcess serves ui and artifact to the peer for as long as the call
// lasts. If the peer returns the artifact it was given, PostProcess
// returns artifact itself; any other artifact comes back as a proxy that
// lasts as long as the session.
func (c *postProcessorClient) PostProcess(ctx context.Context, ui packer.Ui, artifact packer.Artifact) (packer.Artifact, bool, error) {
	out := newScope(c.b, c.opts)
	defer out.close()
	args := new(wire.PostProcessArgs)
	var err error
	if args.Ui, err = out.export(uiKind, ui); err != nil {
		return nil, false, err
	}
	if args.Artifact, err = out.export(artifactKind, artifact); err != nil {
		return nil, false, err
	}
	var reply wire.PostProcessReply
	err = c.callCtx(ctx, "PostProcess", &args.Call, args, &reply)
	if reply.Input {
		return artifact, reply.Keep, err
	}
	result, ierr := importReturned(c.peer, reply.Artifact)
	if err == nil {
		err = ierr
	}
	return result, reply.Keep, err
}

// postProcessorServer serves a packer.PostProcessor.
type postProcessorServer struct {
	st    site
	p     packer.PostProcessor
	calls callTable
}

func (s *postProcessorServer) Configure(args *wire.ConfigArgs, reply *wire.ErrReply) error {
	defer s.st.guard("PostProcessor.Configure", &reply.Err)
	raws, err := decodeRaws(args.Raws)
	if err == nil {
		err = s.p.Configure(raws...)
	}
	reply.Err = encodeError(err)
	return nil
}

func (s *postProcessorServer) PostProcess(args *wire.PostProcessArgs, reply *wire.PostProcessReply) error {
	defer s.st.guard("PostProcessor.PostProcess", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	in := s.st.inbound()
	defer in.close()
	ui, err := in.importUi(args.Ui)
	var art packer.Artifact
	if err == nil {
		art, err = in.importArtifact(args.Artifact)
	}
	if err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	result, keep, err := s.p.PostProcess(ctx, ui, art)
	reply.Keep, reply.Err = keep, encodeError(err)
	if result != nil && sameObject(result, art) {
		reply.Input = true
		return nil
	}
	reply.Artifact, err = exportSession(s.st.b, s.st.opts, artifactKind, result)
	if reply.Err == nil {
		reply.Err = encodeError(err)
	}
	return nil
}

func (s *postProcessorServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}

// sameObject reports whether a and b are the same value, without
// panicking on values that cannot be compared.
func sameObject(a, b interface{}) bool {
	return canCompare(a) && canCompare(b) && a == b
}
