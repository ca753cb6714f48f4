package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// builderKind serves a packer.Builder as service "Builder".
var builderKind = objrpc.NewKind(BuilderService, func(obj interface{}) interface{} {
	return &builderServer{b: obj.(packer.Builder)}
})

// builderClient is a packer.Builder whose methods are calls to a Builder
// the peer serves.
type builderClient struct{ *objrpc.Proxy }

func newBuilderClient(p *objrpc.Proxy) packer.Builder { return &builderClient{p} }

func (c *builderClient) Prepare(raws ...interface{}) ([]string, error) {
	enc, err := objrpc.EncodeValue("configuration", raws)
	if err != nil {
		return nil, err
	}
	var reply wire.PrepareReply
	err = c.Call("Prepare", &wire.ConfigArgs{Raws: enc}, &reply)
	return reply.Warnings, err
}

// Run serves ui and hook to the peer for as long as the call lasts, and
// returns the peer's artifact as a proxy the caller may keep (the plugin
// serves it until the proxy is unreachable here).
func (c *builderClient) Run(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
	out := c.Conn().NewScope()
	defer out.Close()
	args := new(wire.BuilderRunArgs)
	var err error
	if args.Ui, err = out.Export(uiKind, ui); err != nil {
		return nil, err
	}
	if args.Hook, err = out.Export(hookKind, hook); err != nil {
		return nil, err
	}
	var reply wire.ObjectReply
	err = c.CallContext(ctx, "Run", args, &reply)
	art, ierr := objrpc.ImportResult(c.Proxy, reply.Object, artifactKind, newArtifactClient)
	return art, firstErr(err, ierr)
}

// builderServer serves a packer.Builder.
type builderServer struct{ b packer.Builder }

func (s *builderServer) Prepare(_ *objrpc.Call, args *wire.ConfigArgs, reply *wire.PrepareReply) error {
	raws, err := objrpc.DecodeList("configuration", args.Raws)
	if err != nil {
		return err
	}
	reply.Warnings, err = s.b.Prepare(raws...)
	return err
}

func (s *builderServer) Run(c *objrpc.Call, args *wire.BuilderRunArgs, reply *wire.ObjectReply) error {
	ui, err := importUi(c, args.Ui)
	if err != nil {
		return err
	}
	hook, err := objrpc.Import(c.In(), args.Hook, hookKind, newHookClient)
	if err != nil {
		return err
	}
	art, err := s.b.Run(c.Context(), ui, hook)
	var xerr error
	reply.Object, xerr = c.ExportResult(artifactKind, art)
	return firstErr(err, xerr)
}

// importUi imports the Ui a call carries.
func importUi(c *objrpc.Call, r objrpc.Ref) (packer.Ui, error) {
	return objrpc.Import(c.In(), r, uiKind, newUiClient)
}

// firstErr returns the first of errs that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
