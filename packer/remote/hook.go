package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// hookKind serves a packer.Hook as service "Hook".
var hookKind = &kind{svc: "Hook", rcvr: func(st site, obj interface{}) interface{} {
	return &hookServer{st: st, h: obj.(packer.Hook)}
}}

// hookClient is a packer.Hook whose Run is a call to a Hook the peer
// serves.
type hookClient struct{ *peer }

func newHookClient(p *peer) packer.Hook { return &hookClient{p} }

// Run serves ui and comm to the peer for as long as the call lasts; data
// travels as plain data (see the package doc).
func (c *hookClient) Run(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
	enc, err := encodeValue("hook data", data)
	if err != nil {
		return err
	}
	out := newScope(c.b, c.opts)
	defer out.close()
	args := &wire.HookRunArgs{Name: name, Data: enc}
	if args.Ui, err = out.export(uiKind, ui); err != nil {
		return err
	}
	if args.Comm, err = out.export(communicatorKind, comm); err != nil {
		return err
	}
	return c.callCtx(ctx, "Run", &args.Call, args, new(wire.ErrReply))
}

// hookServer serves a packer.Hook.
type hookServer struct {
	st    site
	h     packer.Hook
	calls callTable
}

func (s *hookServer) Run(args *wire.HookRunArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Hook.Run", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	in := s.st.inbound()
	defer in.close()
	data, err := decodeValue("hook data", args.Data)
	var ui packer.Ui
	if err == nil {
		ui, err = in.importUi(args.Ui)
	}
	var comm packer.Communicator
	if err == nil {
		comm, err = in.importComm(args.Comm)
	}
	if err == nil {
		err = s.h.Run(ctx, args.Name, ui, comm, data)
	}
	reply.Err = encodeError(err)
	return nil
}

func (s *hookServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}
