package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestUiPrefixes(t *testing.T) {
	var out, errOut bytes.Buffer
	c := newConsole(&out, &errOut, strings.NewReader("yes\n"), false, false)
	ui := newUi(c, "shell")
	ui.Say("step")
	ui.Message("detail\nsecond line\n")
	ui.Error("bad")
	ui.Machine("ignored", "unless", "verbose")
	if got, want := out.String(), "==> shell: step\n    shell: detail\n    shell: second line\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got, want := errOut.String(), "==> shell: bad\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	answer, err := ui.Ask("continue?")
	if err != nil || answer != "yes" {
		t.Errorf("Ask = %q, %v; want \"yes\"", answer, err)
	}
	if _, err := ui.Ask("again?"); err == nil {
		t.Error("Ask at end of input succeeded, want an error")
	}
}

func TestUiMachineWhenVerbose(t *testing.T) {
	var out bytes.Buffer
	ui := newUi(newConsole(&out, &out, strings.NewReader(""), false, true), "b")
	ui.Machine("artifact", "0", "id")
	if got, want := out.String(), "    b: machine: artifact [\"0\" \"id\"]\n"; got != want {
		t.Errorf("Machine printed %q, want %q", got, want)
	}
}

func TestConsoleLinesNeverMix(t *testing.T) {
	var out bytes.Buffer
	c := newConsole(&out, &out, strings.NewReader(""), false, false)
	const writers, lines = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ui := newUi(c, fmt.Sprint("w", w))
			for i := range lines {
				ui.Message(fmt.Sprintf("line %d of writer %d", i, w))
			}
		}()
	}
	wg.Wait()
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("printed %d lines, want %d", len(got), writers*lines)
	}
	for _, line := range got {
		var w, i, w2 int
		if _, err := fmt.Sscanf(line, "    w%d: line %d of writer %d", &w, &i, &w2); err != nil || w != w2 {
			t.Fatalf("mixed line %q", line)
		}
	}
}
