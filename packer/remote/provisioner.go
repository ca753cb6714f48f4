package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// provisionerKind serves a packer.Provisioner as service "Provisioner".
var provisionerKind = &kind{svc: "Provisioner", rcvr: func(st site, obj interface{}) interface{} {
	return &provisionerServer{st: st, p: obj.(packer.Provisioner)}
}}

// provisionerClient is a packer.Provisioner whose methods are calls to a
// Provisioner the peer serves.
type provisionerClient struct{ *peer }

func newProvisionerClient(p *peer) packer.Provisioner { return &provisionerClient{p} }

func (c *provisionerClient) Prepare(raws ...interface{}) error {
	enc, err := encodeRaws(raws)
	if err != nil {
		return err
	}
	return c.call("Prepare", &wire.ConfigArgs{Raws: enc}, new(wire.ErrReply))
}

// Provision serves ui and comm to the peer for as long as the call lasts.
func (c *provisionerClient) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	out := newScope(c.b, c.opts)
	defer out.close()
	args := new(wire.ProvisionArgs)
	var err error
	if args.Ui, err = out.export(uiKind, ui); err != nil {
		return err
	}
	if args.Comm, err = out.export(communicatorKind, comm); err != nil {
		return err
	}
	return c.callCtx(ctx, "Provision", &args.Call, args, new(wire.ErrReply))
}

// provisionerServer serves a packer.Provisioner.
type provisionerServer struct {
	st    site
	p     packer.Provisioner
	calls callTable
}

func (s *provisionerServer) Prepare(args *wire.ConfigArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Provisioner.Prepare", &reply.Err)
	raws, err := decodeRaws(args.Raws)
	if err == nil {
		err = s.p.Prepare(raws...)
	}
	reply.Err = encodeError(err)
	return nil
}

func (s *provisionerServer) Provision(args *wire.ProvisionArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Provisioner.Provision", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	in := s.st.inbound()
	defer in.close()
	ui, err := in.importUi(args.Ui)
	var comm packer.Communicator
	if err == nil {
		comm, err = in.importComm(args.Comm)
	}
	if err == nil {
		err = s.p.Provision(ctx, ui, comm)
	}
	reply.Err = encodeError(err)
	return nil
}

func (s *provisionerServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}
