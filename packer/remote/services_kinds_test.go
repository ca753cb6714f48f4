package remote

import (
	"reflect"
	"testing"

	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
)

// TestMethodSets checks the methods every kind serves, as the package doc
// lists them, and which of them are cancellable. Every service also
// answers Cancel, which the runtime handles.
func TestMethodSets(t *testing.T) {
	for _, c := range []struct {
		k           *objrpc.Kind
		obj         interface{}
		want        []string
		cancellable []string
	}{
		{uiKind, &packertest.Ui{}, []string{"Ask", "Error", "Machine", "Message", "Say", "TrackEnd", "TrackStart", "TrackUpdate"}, nil},
		{artifactKind, &packertest.Artifact{}, []string{"BuilderId", "Destroy", "Files", "Id", "State", "String"}, nil},
		{builderKind, &packertest.Builder{}, []string{"Prepare", "Run"}, []string{"Run"}},
		{hookKind, &packertest.Hook{}, []string{"Run"}, []string{"Run"}},
		{provisionerKind, &packertest.Provisioner{}, []string{"Prepare", "Provision"}, []string{"Provision"}},
		{postProcessorKind, &packertest.PostProcessor{}, []string{"Configure", "PostProcess"}, []string{"PostProcess"}},
		{commandKind, &packertest.Command{}, []string{"Help", "Run", "Synopsis"}, []string{"Run"}},
		{environmentKind, &packertest.Environment{}, []string{"Builder", "Cache", "Hook", "PostProcessor", "Provisioner", "Ui"}, nil},
		{cacheKind, &packertest.Cache{}, []string{"Lock", "RLock", "RUnlock", "Unlock"}, nil},
		{communicatorKind, newLocalComm(t), []string{"Download", "DownloadDir", "Start", "Upload", "UploadDir", "Wait"},
			[]string{"Download", "DownloadDir", "Start", "Upload", "UploadDir"}},
	} {
		ms, err := objrpc.Describe(c.k.Receiver(c.obj))
		if err != nil {
			t.Fatalf("%s: %v", c.k.Service(), err)
		}
		var got, cancellable []string
		for _, m := range ms {
			got = append(got, m.Name)
			if m.Cancellable {
				cancellable = append(cancellable, m.Name)
			}
		}
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(cancellable, c.cancellable) {
			t.Errorf("%s serves %v (cancellable %v), want %v (%v)", c.k.Service(), got, cancellable, c.want, c.cancellable)
		}
	}
}
