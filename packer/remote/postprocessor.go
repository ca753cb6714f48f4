package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// postProcessorKind serves a packer.PostProcessor as service
// "PostProcessor".
var postProcessorKind = objrpc.NewKind(PostProcessorService, func(obj interface{}) interface{} {
	return &postProcessorServer{p: obj.(packer.PostProcessor)}
})

// postProcessorClient is a packer.PostProcessor whose methods are calls to
// a PostProcessor the peer serves.
type postProcessorClient struct{ *objrpc.Proxy }

func newPostProcessorClient(p *objrpc.Proxy) packer.PostProcessor { return &postProcessorClient{p} }

func (c *postProcessorClient) Configure(raws ...interface{}) error {
	enc, err := objrpc.EncodeValue("configuration", raws)
	if err != nil {
		return err
	}
	return c.Call("Configure", &wire.ConfigArgs{Raws: enc}, new(objrpc.Empty))
}

// PostProcess serves ui and artifact to the peer for as long as the call
// lasts. If the peer returns the artifact it was given, PostProcess
// returns artifact itself; any other artifact comes back as a proxy the
// caller may keep.
func (c *postProcessorClient) PostProcess(ctx context.Context, ui packer.Ui, artifact packer.Artifact) (packer.Artifact, bool, error) {
	out := c.Conn().NewScope()
	defer out.Close()
	args := new(wire.PostProcessArgs)
	var err error
	if args.Ui, err = out.Export(uiKind, ui); err != nil {
		return nil, false, err
	}
	if args.Artifact, err = out.Export(artifactKind, artifact); err != nil {
		return nil, false, err
	}
	var reply wire.PostProcessReply
	err = c.CallContext(ctx, "PostProcess", args, &reply)
	if reply.Input {
		return artifact, reply.Keep, err
	}
	result, ierr := objrpc.ImportResult(c.Proxy, reply.Artifact, artifactKind, newArtifactClient)
	return result, reply.Keep, firstErr(err, ierr)
}

// postProcessorServer serves a packer.PostProcessor.
type postProcessorServer struct{ p packer.PostProcessor }

func (s *postProcessorServer) Configure(_ *objrpc.Call, args *wire.ConfigArgs, _ *objrpc.Empty) error {
	raws, err := objrpc.DecodeList("configuration", args.Raws)
	if err != nil {
		return err
	}
	return s.p.Configure(raws...)
}

func (s *postProcessorServer) PostProcess(c *objrpc.Call, args *wire.PostProcessArgs, reply *wire.PostProcessReply) error {
	ui, err := importUi(c, args.Ui)
	if err != nil {
		return err
	}
	art, err := objrpc.Import(c.In(), args.Artifact, artifactKind, newArtifactClient)
	if err != nil {
		return err
	}
	result, keep, err := s.p.PostProcess(c.Context(), ui, art)
	reply.Keep = keep
	if result != nil && objrpc.SameObject(result, art) {
		reply.Input = true
		return err
	}
	var xerr error
	reply.Artifact, xerr = c.ExportResult(artifactKind, result)
	return firstErr(err, xerr)
}
