package plugin

import (
	"context"
	"fmt"
	"os"

	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote"
	"github.com/muxplug/muxplug/plugin/internal/wire"
)

// Run is the main function of a plugin binary that serves s. With the
// argument describe (the first argument), it prints s's Description as
// JSON on stdout and exits 0, whether or not a host started it. Otherwise
// it serves s as ServeBuilder serves its builder (or, started by hand with
// the debug variable set, in debug mode: see the package doc) and exits
// the process with one of the Exit* codes. It never returns.
func (s *Set) Run() { s.runMain(os.Args[1:]) }

// runMain is Run with the program's arguments args.
func (s *Set) runMain(args []string) {
	if len(args) > 0 && args[0] == describeArg {
		if err := writeDescription(os.Stdout, s.Description()); err != nil {
			fmt.Fprintln(os.Stderr, "plugin: describe:", err)
			os.Exit(ExitServeFailed)
		}
		os.Exit(ExitOK)
	}
	s.serveAndExit()
}

// Serve serves s to the host that launched this process, as the function
// Serve serves one component: the default components (those registered
// under DefaultName) on the plugin's main object, and a fresh instance of
// any component for every request a host makes by kind and name. It
// blocks, returns and fails as Serve does, and fails at once with
// ErrInvalidConfig if s has no components. It never exits the process.
func (s *Set) Serve(ctx context.Context, cfg *ServeConfig) error {
	return s.serve(ctx, cfg, nil)
}

// Component makes a fresh instance of the component of the requested kind
// and name and serves it to the host until the host's proxy of it is
// unreachable (or the session ends), on a stream of its own. A name the
// plugin does not offer fails with an error wrapping ErrUnknownComponent
// that lists what it offers.
func (s *controlService) Component(c *objrpc.Call, args *wire.ComponentArgs, reply *wire.ComponentReply) error {
	if s.set == nil {
		return fmt.Errorf("%w: no set", ErrUnknownComponent)
	}
	k := Kind(args.Kind)
	inst, err := s.set.instance(k, args.Name) // an unknown kind or name lists what the set offers
	if err != nil {
		return err
	}
	reply.Object, err = remote.ExportComponent(c, serviceOf(k), inst)
	return err
}

// describeInto adds what describe prints to a Control.Info reply.
func (s *controlService) describeInto(reply *wire.Info) {
	if s.set == nil {
		return
	}
	d := s.set.Description()
	reply.Version = d.Version
	reply.Components = make(map[string][]string)
	for _, ks := range allKinds {
		if names := d.Names(ks.kind); len(names) > 0 {
			reply.Components[string(ks.kind)] = names
		}
	}
}
