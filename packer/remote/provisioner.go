package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// provisionerKind serves a packer.Provisioner as service "Provisioner".
var provisionerKind = objrpc.NewKind(ProvisionerService, func(obj interface{}) interface{} {
	return &provisionerServer{p: obj.(packer.Provisioner)}
})

// provisionerClient is a packer.Provisioner whose methods are calls to a
// Provisioner the peer serves.
type provisionerClient struct{ *objrpc.Proxy }

func newProvisionerClient(p *objrpc.Proxy) packer.Provisioner { return &provisionerClient{p} }

func (c *provisionerClient) Prepare(raws ...interface{}) error {
	enc, err := objrpc.EncodeValue("configuration", raws)
	if err != nil {
		return err
	}
	return c.Call("Prepare", &wire.ConfigArgs{Raws: enc}, new(objrpc.Empty))
}

// Provision serves ui and comm to the peer for as long as the call lasts.
func (c *provisionerClient) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	out := c.Conn().NewScope()
	defer out.Close()
	args := new(wire.ProvisionArgs)
	var err error
	if args.Ui, err = out.Export(uiKind, ui); err != nil {
		return err
	}
	if args.Comm, err = out.Export(communicatorKind, comm); err != nil {
		return err
	}
	return c.CallContext(ctx, "Provision", args, new(objrpc.Empty))
}

// provisionerServer serves a packer.Provisioner.
type provisionerServer struct{ p packer.Provisioner }

func (s *provisionerServer) Prepare(_ *objrpc.Call, args *wire.ConfigArgs, _ *objrpc.Empty) error {
	raws, err := objrpc.DecodeList("configuration", args.Raws)
	if err != nil {
		return err
	}
	return s.p.Prepare(raws...)
}

func (s *provisionerServer) Provision(c *objrpc.Call, args *wire.ProvisionArgs, _ *objrpc.Empty) error {
	ui, err := importUi(c, args.Ui)
	if err != nil {
		return err
	}
	comm, err := objrpc.Import(c.In(), args.Comm, communicatorKind, newCommunicatorClient)
	if err != nil {
		return err
	}
	return s.p.Provision(c.Context(), ui, comm)
}
