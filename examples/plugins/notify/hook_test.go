package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// uploads is a Communicator that records uploaded files; its other methods
// are not used by the hook (calling them panics on the nil embedded
// interface).
type uploads struct {
	packer.Communicator
	files map[string]string
}

func (u *uploads) Upload(_ context.Context, dst string, r io.Reader, _ *packer.FileInfo) error {
	data, err := io.ReadAll(r)
	u.files[dst] = string(data)
	return err
}

func TestRun(t *testing.T) {
	log := filepath.Join(t.TempDir(), "hooks.log")
	h := &Hook{Log: log, Marker: "MARK"}
	ui := new(packertest.Ui)
	comm := &uploads{files: make(map[string]string)}
	ctx := context.Background()
	if err := h.Run(ctx, "before", ui, nil, nil); err != nil {
		t.Fatal(err)
	}
	data := map[string]interface{}{"output_dir": "/x"}
	if err := h.Run(ctx, packer.HookProvision, ui, comm, data); err != nil {
		t.Fatal(err)
	}

	if got, want := comm.files["MARK"], "provisioned: the notify hook ran at packer_provision\n"; got != want {
		t.Errorf("marker content = %q, want %q", got, want)
	}
	events := readEvents(t, log)
	if len(events) != 2 || events[0].Hook != "before" || events[1].Hook != packer.HookProvision {
		t.Fatalf("log events = %+v, want before then %s", events, packer.HookProvision)
	}
	if got, _ := events[1].Data.(map[string]interface{}); got["output_dir"] != "/x" {
		t.Errorf("logged data = %v, want %v", events[1].Data, data)
	}
	says := ui.Texts(packertest.KindSay)
	if len(says) != 2 || !strings.Contains(says[1], packer.HookProvision) {
		t.Errorf("Ui says %q, want one line per hook run", says)
	}
}

func TestRunWithoutSettingsOnlyReports(t *testing.T) {
	ui := new(packertest.Ui)
	comm := &uploads{files: make(map[string]string)}
	if err := new(Hook).Run(context.Background(), packer.HookProvision, ui, comm, nil); err != nil {
		t.Fatal(err)
	}
	if len(comm.files) != 0 {
		t.Errorf("a Hook without Marker uploaded %v", comm.files)
	}
	if says := ui.Texts(packertest.KindSay); len(says) != 1 {
		t.Errorf("Ui says %q, want one line", says)
	}
}

func TestRunLogError(t *testing.T) {
	h := &Hook{Log: filepath.Join(t.TempDir(), "missing-dir", "hooks.log")}
	err := h.Run(context.Background(), "x", new(packertest.Ui), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "notify: log") {
		t.Errorf("Run with an unwritable log = %v, want a \"notify: log\" error", err)
	}
}

func readEvents(tb testing.TB, path string) []Event {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var events []Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			tb.Fatalf("log line %q: %v", sc.Text(), err)
		}
		events = append(events, ev)
	}
	return events
}
