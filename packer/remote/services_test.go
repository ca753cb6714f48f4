package remote

import (
	"reflect"
	"testing"

	"github.com/muxplug/muxplug/packer/packertest"
)

// both is a component that is a Hook and a PostProcessor at once.
type both struct {
	packertest.Hook
	packertest.PostProcessor
}

func TestServices(t *testing.T) {
	for _, c := range []struct {
		name      string
		component interface{}
		want      []string
	}{
		{"builder", &packertest.Builder{}, []string{BuilderService}},
		{"post-processor", &packertest.PostProcessor{}, []string{PostProcessorService}},
		{"hook and post-processor", &both{}, []string{HookService, PostProcessorService}},
		{"not a component", "text", nil},
		{"nil", nil, nil},
	} {
		if got := Services(c.component); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Services(%T) = %q, want %q", c.name, c.component, got, c.want)
		}
	}
}
