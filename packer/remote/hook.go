package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// hookKind serves a packer.Hook as service "Hook".
var hookKind = objrpc.NewKind(HookService, func(obj interface{}) interface{} {
	return &hookServer{h: obj.(packer.Hook)}
})

// hookClient is a packer.Hook whose Run is a call to a Hook the peer
// serves.
type hookClient struct{ *objrpc.Proxy }

func newHookClient(p *objrpc.Proxy) packer.Hook { return &hookClient{p} }

// Run serves ui and comm to the peer for as long as the call lasts; data
// travels as plain data (see the package doc).
func (c *hookClient) Run(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
	enc, err := objrpc.EncodeValue("hook data", data)
	if err != nil {
		return err
	}
	out := c.Conn().NewScope()
	defer out.Close()
	args := &wire.HookRunArgs{Name: name, Data: enc}
	if args.Ui, err = out.Export(uiKind, ui); err != nil {
		return err
	}
	if args.Comm, err = out.Export(communicatorKind, comm); err != nil {
		return err
	}
	return c.CallContext(ctx, "Run", args, new(objrpc.Empty))
}

// hookServer serves a packer.Hook.
type hookServer struct{ h packer.Hook }

func (s *hookServer) Run(c *objrpc.Call, args *wire.HookRunArgs, _ *objrpc.Empty) error {
	data, err := objrpc.DecodeValue("hook data", args.Data)
	if err != nil {
		return err
	}
	ui, err := importUi(c, args.Ui)
	if err != nil {
		return err
	}
	comm, err := objrpc.Import(c.In(), args.Comm, communicatorKind, newCommunicatorClient)
	if err != nil {
		return err
	}
	return s.h.Run(c.Context(), args.Name, ui, comm, data)
}
