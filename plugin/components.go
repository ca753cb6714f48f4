package plugin

import (
	"fmt"

	"github.com/muxplug/muxplug/packer"
)

// componentKind names the kind of component, or fails for anything that is
// not one of the five packer component interfaces.
func componentKind(component interface{}) (string, error) {
	switch component.(type) {
	case packer.Builder:
		return kindBuilder, nil
	case packer.Command:
		return kindCommand, nil
	case packer.Hook:
		return kindHook, nil
	case packer.PostProcessor:
		return kindPostProcessor, nil
	case packer.Provisioner:
		return kindProvisioner, nil
	case nil:
		return "", fmt.Errorf("%w: nil component", ErrInvalidConfig)
	default:
		return "", fmt.Errorf("%w: %T is not a packer component", ErrInvalidConfig, component)
	}
}
