package plugin

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote"
	"github.com/muxplug/muxplug/plugin/internal/wire"
)

// controlName is the service name of the control service that every
// plugin serves on its main object, next to its component.
const controlName = "Control"

// Component kinds, as the handshake line announces them and Control.Info
// reports them.
const (
	kindBuilder       = "builder"
	kindCommand       = "command"
	kindHook          = "hook"
	kindPostProcessor = "post-processor"
	kindProvisioner   = "provisioner"
)

// controlService is the plugin side of the control service.
type controlService struct {
	kinds    []string
	set      *Set // what the plugin offers; nil in tests of the bare service
	exitOnce sync.Once
	exit     chan struct{} // closed by the first Exit call
}

func newControlService(kinds []string) *controlService {
	return &controlService{kinds: kinds, exit: make(chan struct{})}
}

// Info reports what the plugin serves.
func (s *controlService) Info(_ *objrpc.Call, _ *objrpc.NoArgs, reply *wire.Info) error {
	reply.Kinds, reply.Pid, reply.Versions = s.kinds, os.Getpid(), supportedVersions
	s.describeInto(reply)
	return nil
}

// Exit asks the plugin to stop: it answers, then closes the connection and
// returns from Serve.
func (s *controlService) Exit(_ *objrpc.Call, _ *objrpc.NoArgs, _ *objrpc.Empty) error {
	s.exitOnce.Do(func() { close(s.exit) })
	return nil
}

// callControl makes a control call bounded by ctx. A transport failure has
// passed through the Conn's WrapTransportError (which attaches the
// plugin's exit status once it died).
func callControl(ctx context.Context, rc *remote.Conn, method string, reply objrpc.Reply) error {
	if err := rc.Main(controlName).CallContext(ctx, method, &objrpc.NoArgs{}, reply); err != nil {
		return fmt.Errorf("plugin: %s.%s: %w", controlName, method, err)
	}
	return nil
}
