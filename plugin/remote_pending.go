package plugin

import (
	"log/slog"
	"net/rpc"

	"github.com/muxplug/muxplug/mux"
)

// registerComponent will add the component's service from packer/remote;
// until that package exists, only the control service is served.
func registerComponent(srv *rpc.Server, b *mux.Broker, component interface{}, log *slog.Logger) error {
	return nil
}
