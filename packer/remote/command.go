package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// ExitStatusFailed is what a proxy Command's Run returns when the call
// itself failed (a transport failure, or the plugin's Run panicked): the
// failure is logged, and the command counts as failed.
const ExitStatusFailed = 1

// commandKind serves a packer.Command as service "Command".
var commandKind = objrpc.NewKind(CommandService, func(obj interface{}) interface{} {
	return &commandServer{c: obj.(packer.Command)}
})

// commandClient is a packer.Command whose methods are calls to a Command
// the peer serves. Help and Synopsis log a failed call and return "".
type commandClient struct{ *objrpc.Proxy }

func newCommandClient(p *objrpc.Proxy) packer.Command { return &commandClient{p} }

func (c *commandClient) Help() string { return c.str("Help") }

func (c *commandClient) Synopsis() string { return c.str("Synopsis") }

func (c *commandClient) str(method string) string {
	var reply wire.StringReply
	c.LogFailure(method, c.Call(method, new(objrpc.NoArgs), &reply))
	return reply.S
}

// Run serves env to the peer for as long as the call lasts, together with
// every object env hands out during it. A failed call is logged and
// returns ExitStatusFailed.
func (c *commandClient) Run(ctx context.Context, env packer.Environment, args []string) int {
	out := c.Conn().NewScope()
	defer out.Close()
	a := &wire.CommandRunArgs{Args: args}
	var err error
	if a.Env, err = out.Export(environmentKind, env); err != nil {
		c.LogFailure("Run", err)
		return ExitStatusFailed
	}
	var reply wire.IntReply
	if err := c.CallContext(ctx, "Run", a, &reply); err != nil {
		c.LogFailure("Run", err)
		return ExitStatusFailed
	}
	return reply.N
}

// commandServer serves a packer.Command.
type commandServer struct{ c packer.Command }

func (s *commandServer) Help(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringReply) error {
	reply.S = s.c.Help()
	return nil
}

func (s *commandServer) Synopsis(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.StringReply) error {
	reply.S = s.c.Synopsis()
	return nil
}

func (s *commandServer) Run(c *objrpc.Call, args *wire.CommandRunArgs, reply *wire.IntReply) error {
	env, err := objrpc.Import(c.In(), args.Env, environmentKind, newEnvironmentClient)
	if err != nil {
		return err
	}
	reply.N = s.c.Run(c.Context(), env, args.Args)
	return nil
}
