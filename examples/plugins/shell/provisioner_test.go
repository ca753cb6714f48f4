package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/packertest"
)

func prepare(tb testing.TB, raw map[string]interface{}) *Provisioner {
	tb.Helper()
	p := new(Provisioner)
	if err := p.Prepare(raw); err != nil {
		tb.Fatalf("Prepare(%v): %v", raw, err)
	}
	return p
}

func TestProvisionStreamsOutput(t *testing.T) {
	p := prepare(t, map[string]interface{}{
		"inline": []interface{}{"echo out", "echo err >&2", `echo "$GREETING"`, "echo made > f.txt", "cat f.txt"},
		"env":    map[string]interface{}{"GREETING": "it's \"quoted\" $HOME"},
	})
	ui := new(packertest.Ui)
	comm := &local.Communicator{Dir: t.TempDir()}
	if err := p.Provision(context.Background(), ui, comm); err != nil {
		t.Fatalf("Provision: %v\nui:\n%s", err, ui)
	}
	if got, want := ui.Texts(packertest.KindMessage), []string{"out", `it's "quoted" $HOME`, "made"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stdout lines = %q, want %q", got, want)
	}
	if got, want := ui.Texts(packertest.KindError), []string{"err"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stderr lines = %q, want %q", got, want)
	}
	if says := ui.Texts(packertest.KindSay); len(says) != 5 || says[0] != "Running: echo out" {
		t.Errorf("Say lines = %q, want one per command", says)
	}
}

func TestProvisionStopsAtFailure(t *testing.T) {
	p := prepare(t, map[string]interface{}{"inline": []interface{}{"exit 3", "echo never"}})
	ui := new(packertest.Ui)
	err := p.Provision(context.Background(), ui, &local.Communicator{Dir: t.TempDir()})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Status != 3 || ee.Command != "exit 3" {
		t.Fatalf("Provision = %v, want an *ExitError for \"exit 3\" with status 3", err)
	}
	if got := ui.Texts(packertest.KindMessage); len(got) != 0 {
		t.Errorf("commands after the failure printed %q", got)
	}
}

// cancelOnMessage is a Ui that calls cancel when a Message arrives.
type cancelOnMessage struct {
	*packertest.Ui
	cancel context.CancelFunc
}

func (u cancelOnMessage) Message(m string) {
	u.Ui.Message(m)
	u.cancel()
}

func TestProvisionCancelled(t *testing.T) {
	p := prepare(t, map[string]interface{}{"inline": []interface{}{"echo started; exec sleep 60"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := p.Provision(ctx, cancelOnMessage{new(packertest.Ui), cancel}, &local.Communicator{Dir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Provision cancelled mid-command = %v, want context.Canceled", err)
	}
}

func TestPrepareErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]interface{}
		want string
	}{
		{"no inline", map[string]interface{}{}, "inline is required"},
		{"blank command", map[string]interface{}{"inline": []interface{}{"ls", "  "}}, "inline command 1 is empty"},
		{"bad env name", map[string]interface{}{"inline": []interface{}{"ls"}, "env": map[string]interface{}{"A-B": "x"}}, `env name "A-B"`},
		{"wrong type", map[string]interface{}{"inline": "ls"}, "inline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := new(Provisioner).Prepare(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Prepare(%v) = %v, want an error containing %q", tt.raw, err, tt.want)
			}
		})
	}
}

func TestProvisionWithoutCommunicator(t *testing.T) {
	p := prepare(t, map[string]interface{}{"inline": []interface{}{"true"}})
	if err := p.Provision(context.Background(), new(packertest.Ui), nil); err == nil {
		t.Error("Provision without a communicator succeeded")
	}
}
