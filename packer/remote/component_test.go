package remote

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
)

// dispenser hands out a fresh builder per Get, as a plugin set does.
type dispenser struct{ made atomic.Int64 }

type dispenseReply struct {
	Obj objrpc.Ref `codec:"obj"`
	objrpc.Result
}

func (d *dispenser) Get(c *objrpc.Call, _ *objrpc.NoArgs, reply *dispenseReply) error {
	n := d.made.Add(1)
	b := &packertest.Builder{PrepareFunc: func(...interface{}) ([]string, error) {
		return []string{fmt.Sprint("instance ", n)}, nil
	}}
	var err error
	reply.Obj, err = ExportComponent(c, BuilderService, b)
	return err
}

func TestExportImportComponent(t *testing.T) {
	host, plugin := pair(t, "pipe")
	quiet := &objrpc.Options{Logger: slog.New(slog.NewTextHandler(&logBuffer{}, nil))}
	pOpts := *quiet
	pOpts.Services = map[string]interface{}{"Dispenser": &dispenser{}}
	pc, err := NewConn(plugin, &pOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	hc, err := NewConn(host, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hc.Close() })
	d := hc.Main("Dispenser")
	for i := 1; i <= 2; i++ {
		var reply dispenseReply
		if err := d.Call("Get", &objrpc.NoArgs{}, &reply); err != nil {
			t.Fatal(err)
		}
		if !reply.Obj.Release {
			t.Errorf("a component handed out by the main object is not releasable: %+v", reply.Obj)
		}
		v, err := ImportComponent(d, BuilderService, reply.Obj)
		if err != nil {
			t.Fatal(err)
		}
		w, err := v.(packer.Builder).Prepare()
		if want := fmt.Sprint("instance ", i); err != nil || len(w) != 1 || w[0] != want {
			t.Errorf("Prepare of instance %d = %q, %v", i, w, err)
		}
	}
	if st := pc.Stats(); st.Objects != 2 {
		t.Errorf("plugin serves %d objects, want the 2 builders", st.Objects)
	}
}

func TestComponentReceiverErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		service string
		obj     interface{}
	}{
		{"not a component service", "Ui", &packertest.Builder{}},
		{"wrong kind", ProvisionerService, &packertest.Builder{}},
		{"nil", BuilderService, nil},
	} {
		if _, err := ComponentReceiver(c.service, c.obj); err == nil {
			t.Errorf("%s: ComponentReceiver(%s, %T) did not fail", c.name, c.service, c.obj)
		}
	}
	if _, err := ImportComponent(nil, "Artifact", objrpc.Ref{}); err == nil {
		t.Error("ImportComponent of a non-component service did not fail")
	}
	if r, err := ComponentReceiver(HookService, &packertest.Hook{}); err != nil || r == nil {
		t.Errorf("ComponentReceiver(Hook) = %v, %v", r, err)
	}
}
