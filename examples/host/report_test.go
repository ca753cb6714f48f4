package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer/termui"
	"github.com/muxplug/muxplug/plugin"
)

func TestCrashReport(t *testing.T) {
	ee := &plugin.ExitError{Name: "crasher", Pid: 42, Code: 2, Tail: []string{"panic: boom", "", "goroutine 1 [running]:"}}
	tests := []struct {
		name string
		err  error
		note bool // the crash was seen (noted) before the error came back as text
	}{
		{name: "direct", err: fmt.Errorf("build %q: %w", "b", ee)},
		{name: "as text through another plugin", err: fmt.Errorf("build: files: provision: %s", fmt.Errorf("provisioner: %w", ee)), note: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errOut bytes.Buffer
			ui := termui.New(&termui.Config{Out: io.Discard, Err: &errOut}).Named("host")
			var c crashes
			if tt.note {
				c.note(fmt.Errorf("provisioner: %w", ee))
			}
			c.report(ui, tt.err)
			lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
			want := []string{
				"==> host: Error: " + strings.Replace(tt.err.Error(), ee.Error(), withoutTail(ee).Error(), 1),
				`==> host: Plugin "crasher" (pid 42) died; its last output:`,
				"==> host:   | panic: boom",
				"==> host:   | ",
				"==> host:   | goroutine 1 [running]:",
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("report printed:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestReportWithoutCrash(t *testing.T) {
	var errOut bytes.Buffer
	ui := termui.New(&termui.Config{Out: io.Discard, Err: &errOut}).Named("host")
	new(crashes).report(ui, errors.New("shell: command \"false\" exited with status 1"))
	if got, want := errOut.String(), "==> host: Error: shell: command \"false\" exited with status 1\n"; got != want {
		t.Errorf("report printed %q, want %q", got, want)
	}
}
