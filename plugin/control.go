package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/rpc"
	"os"
	"sync"

	"github.com/muxplug/muxplug/packer/remote"
	"github.com/muxplug/muxplug/plugin/internal/wire"
)

// controlName is the net/rpc service name of the control service that every
// plugin serves on stream 0, next to its component.
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
	exitOnce sync.Once
	exit     chan struct{} // closed by the first Exit call
}

func newControlService(kinds []string) *controlService {
	return &controlService{kinds: kinds, exit: make(chan struct{})}
}

// Info reports what the plugin serves.
func (s *controlService) Info(_ wire.Empty, reply *wire.Info) error {
	*reply = wire.Info{Kinds: s.kinds, Pid: os.Getpid(), Versions: supportedVersions}
	return nil
}

// Exit asks the plugin to stop: it answers, then closes the connection and
// returns from Serve.
func (s *controlService) Exit(_ wire.Empty, _ *wire.Empty) error {
	s.exitOnce.Do(func() { close(s.exit) })
	return nil
}

// callControl makes a control call bounded by ctx. A transport failure is
// passed through wrap (which attaches the plugin's exit status once it died).
func callControl(ctx context.Context, c *remote.Client, method string, args, reply any, wrap func(error) error) error {
	return callRPC(ctx, c, controlName+"."+method, args, reply, wrap)
}

func callRPC(ctx context.Context, c *remote.Client, method string, args, reply any, wrap func(error) error) error {
	err := c.CallContext(ctx, method, args, reply)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && errors.Is(err, context.Cause(ctx)):
		return fmt.Errorf("plugin: %s: %w", method, err)
	case isTransportError(err):
		return fmt.Errorf("plugin: %s: %w", method, wrap(err))
	}
	return fmt.Errorf("plugin: %s: %w", method, err)
}

// isTransportError reports whether err from a net/rpc client is a failure of
// the connection rather than an error returned by the remote method.
func isTransportError(err error) bool {
	var se rpc.ServerError
	return err != nil && !errors.As(err, &se)
}
