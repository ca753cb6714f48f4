package plugin

import (
	"fmt"

	"github.com/muxplug/muxplug/packer"
)

// componentKinds names the kinds of component, in a fixed order, or fails
// for anything that is none of the five packer component interfaces.
// (A value may implement several; each is served.)
func componentKinds(component interface{}) ([]string, error) {
	var kinds []string
	if _, ok := component.(packer.Builder); ok {
		kinds = append(kinds, kindBuilder)
	}
	if _, ok := component.(packer.Command); ok {
		kinds = append(kinds, kindCommand)
	}
	if _, ok := component.(packer.Hook); ok {
		kinds = append(kinds, kindHook)
	}
	if _, ok := component.(packer.PostProcessor); ok {
		kinds = append(kinds, kindPostProcessor)
	}
	if _, ok := component.(packer.Provisioner); ok {
		kinds = append(kinds, kindProvisioner)
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("%w: %T is not a packer component", ErrInvalidConfig, component)
	}
	return kinds, nil
}
