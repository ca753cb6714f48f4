package remote

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// slowUi is a Ui whose output methods take a while, as a terminal behind
// a slow link does.
type slowUi struct {
	packertest.Ui
	delay time.Duration
}

func (u *slowUi) Say(s string) { time.Sleep(u.delay); u.Ui.Say(s) }

// TestSayBarrier: every line the plugin says reaches the host's Ui before
// Provision returns there, although each Say returns at once in the plugin.
func TestSayBarrier(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		ui := &slowUi{delay: 200 * time.Microsecond}
		const lines = 300
		err := provisionWith(t, network, ui, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
			for i := range lines {
				ui.Say(fmt.Sprint("line ", i))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := ui.Texts(packertest.KindSay)
		if len(got) != lines {
			t.Fatalf("the host saw %d of %d lines when Provision returned", len(got), lines)
		}
		for i, s := range got {
			if s != fmt.Sprint("line ", i) {
				t.Fatalf("line %d is %q: out of order", i, s)
			}
		}
	})
}

// TestSayAskSay interleaves one-way and waited-for calls on one Ui, and
// says from several goroutines at once: each goroutine's lines arrive in
// its order, and an Ask sees every line said before it.
func TestSayAskSay(t *testing.T) {
	ui := &packertest.Ui{}
	var before []string
	ui.AskFunc = func(q string) (string, error) {
		before = ui.Texts(packertest.KindSay)
		return "yes", nil
	}
	const goroutines, each = 4, 100
	err := provisionWith(t, "tcp", ui, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
		ui.Say("first")
		if a, err := ui.Ask("go on?"); err != nil || a != "yes" {
			return fmt.Errorf("Ask = %q, %v", a, err)
		}
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					ui.Say(fmt.Sprintf("g%d %d", g, i))
				}
			}()
		}
		wg.Wait()
		ui.Say("last")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 1 || before[0] != "first" {
		t.Errorf("the Ask saw %q said before it, want [first]", before)
	}
	got := ui.Texts(packertest.KindSay)
	if len(got) != 2+goroutines*each || got[len(got)-1] != "last" {
		t.Fatalf("host saw %d lines ending %q, want %d ending last", len(got), got[len(got)-1], 2+goroutines*each)
	}
	next := make([]int, goroutines)
	for _, s := range got[1 : len(got)-1] {
		var g, i int
		if _, err := fmt.Sscanf(s, "g%d %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %q out of order (want g%d %d)", s, g, next[g])
		}
		next[g]++
	}
}

// TestSayFailureLogged: a host Ui whose Say panics fails the one-way call;
// the plugin logs it with the method, and the Provision goes on.
func TestSayFailureLogged(t *testing.T) {
	s := connect(t, "pipe", &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, _ packer.Communicator) error {
		ui.Say("boom")
		ui.Message("after")
		return nil
	}})
	ui := &panickyUi{}
	if err := s.hc.Provisioner().Provision(testCtx(t), ui, nil); err != nil {
		t.Fatal(err)
	}
	if got := ui.Texts(packertest.KindMessage); len(got) != 1 {
		t.Errorf("host messages %q, want [after]", got)
	}
	if st := s.pc.Stats(); st.OneWayFailed != 1 {
		t.Errorf("plugin OneWayFailed = %d, want 1", st.OneWayFailed)
	}
	log := s.log.String()
	if !strings.Contains(log, "one-way call failed") || !strings.Contains(log, "method=Ui.Say") || !strings.Contains(log, "say exploded") {
		t.Errorf("plugin log lacks the failed Say:\n%s", log)
	}
}
