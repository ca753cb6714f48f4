package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// crashSays is how many lines the "saycrash" plugin says before it dies.
const crashSays = 2000

// maxOneWayInFlight is the most one-way calls on one object that may be
// unconfirmed (packer/objrpc's window), and so lost when a plugin dies.
const maxOneWayInFlight = 256

func init() {
	helpers["saycrash"] = func() int {
		ServeProvisioner(&packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, _ packer.Communicator) error {
			for i := range crashSays {
				ui.Say(fmt.Sprint("line ", i))
			}
			os.Exit(9) // without returning: what was said and not yet confirmed may be lost
			return nil
		}})
		return 0
	}
}

// TestSaysThenCrash: a plugin says many lines, one-way, and dies: the
// host's call fails with the plugin's exit, and the host's Ui has every
// line but at most the ones in flight, in order.
func TestSaysThenCrash(t *testing.T) {
	c := newTestClient(t, "saycrash", nil)
	p, err := c.Provisioner()
	if err != nil {
		t.Fatal(err)
	}
	ui := &packertest.Ui{}
	err = p.Provision(context.Background(), ui, nil)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 9 {
		t.Fatalf("Provision of a plugin that dies = %v, want an *ExitError with code 9", err)
	}
	got := ui.Texts(packertest.KindSay)
	if len(got) < crashSays-maxOneWayInFlight {
		t.Errorf("the host saw %d of %d lines, want all but at most %d", len(got), crashSays, maxOneWayInFlight)
	}
	for i, s := range got {
		if s != fmt.Sprint("line ", i) {
			t.Fatalf("line %d is %q", i, s)
		}
	}
}
