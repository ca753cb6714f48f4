package plugin

import (
	"fmt"

	"github.com/muxplug/muxplug/packer/remote"
)

// serviceKinds maps the remote service names of the component interfaces
// to the kinds the handshake line announces and Control.Info reports.
var serviceKinds = map[string]string{
	remote.BuilderService:       kindBuilder,
	remote.CommandService:       kindCommand,
	remote.HookService:          kindHook,
	remote.PostProcessorService: kindPostProcessor,
	remote.ProvisionerService:   kindProvisioner,
}

// componentKinds names the kinds of component, in a fixed order, or fails
// for anything that is none of the five packer component interfaces.
// (A value may implement several; each is served.)
func componentKinds(component interface{}) ([]string, error) {
	var kinds []string
	for _, svc := range remote.Services(component) {
		kinds = append(kinds, serviceKinds[svc])
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("%w: %T is not a packer component", ErrInvalidConfig, component)
	}
	return kinds, nil
}
