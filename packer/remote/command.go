package remote

import (
	"context"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// ExitStatusFailed is what a proxy Command's Run returns when the call
// itself failed (a transport failure, or the plugin's Run panicked): the
// failure is logged, and the command counts as failed.
const ExitStatusFailed = 1

// commandKind serves a packer.Command as service "Command".
var commandKind = &kind{svc: "Command", rcvr: func(st site, obj interface{}) interface{} {
	return &commandServer{st: st, c: obj.(packer.Command)}
}}

// commandClient is a packer.Command whose methods are calls to a Command
// the peer serves. Help and Synopsis log a failed call and return "".
type commandClient struct{ *peer }

func newCommandClient(p *peer) packer.Command { return &commandClient{p} }

func (c *commandClient) Help() string { return c.str("Help") }

func (c *commandClient) Synopsis() string { return c.str("Synopsis") }

func (c *commandClient) str(method string) string {
	var reply wire.StringReply
	c.logFailure(method, c.call(method, new(wire.Empty), &reply))
	return reply.S
}

// Run serves env to the peer for as long as the call lasts, together with
// every component env hands out during it. A failed call is logged and
// returns ExitStatusFailed.
func (c *commandClient) Run(ctx context.Context, env packer.Environment, args []string) int {
	out := newScope(c.b, c.opts)
	defer out.close()
	a := &wire.CommandRunArgs{Args: args}
	var err error
	if a.Env, err = out.export(environmentKind, env); err != nil {
		c.logFailure("Run", err)
		return ExitStatusFailed
	}
	var reply wire.IntReply
	if err := c.callCtx(ctx, "Run", &a.Call, a, &reply); err != nil {
		c.logFailure("Run", err)
		return ExitStatusFailed
	}
	return reply.N
}

// commandServer serves a packer.Command.
type commandServer struct {
	st    site
	c     packer.Command
	calls callTable
}

func (s *commandServer) Help(_ *wire.Empty, reply *wire.StringReply) error {
	defer s.st.guard("Command.Help", &reply.Err)
	reply.S = s.c.Help()
	return nil
}

func (s *commandServer) Synopsis(_ *wire.Empty, reply *wire.StringReply) error {
	defer s.st.guard("Command.Synopsis", &reply.Err)
	reply.S = s.c.Synopsis()
	return nil
}

func (s *commandServer) Run(args *wire.CommandRunArgs, reply *wire.IntReply) error {
	defer s.st.guard("Command.Run", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	in := s.st.inbound()
	defer in.close()
	env, err := importObject(in, in.b, args.Env, environmentKind.svc, func(p *peer) packer.Environment {
		return &environmentClient{peer: p, in: in}
	})
	if err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	reply.N = s.c.Run(ctx, env, args.Args)
	return nil
}

func (s *commandServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}
