package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer/termui"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*options) bool
		wantErr string
	}{
		{name: "template only", args: []string{"t.json"}, check: func(o *options) bool {
			return o.template == "t.json" && o.grace == 10*time.Second && o.progress == "auto"
		}},
		{name: "command args", args: []string{"-command", "build", "t.json", "-hook", "h", "b"}, check: func(o *options) bool {
			return o.command == "build" && strings.Join(o.args, " ") == "-hook h b"
		}},
		{name: "flags", args: []string{"-out", "o", "-cache", "c", "-pidfile", "p", "-v", "-progress", "lines", "-grace", "1s", "-machine-readable", "t.json"}, check: func(o *options) bool {
			return o.out == "o" && o.cache == "c" && o.pidFile == "p" && o.verbose && o.progress == "lines" && o.grace == time.Second &&
				o.machine && o.progressMode() == termui.ProgressLines
		}},
		{name: "no template", args: nil, wantErr: "missing TEMPLATE"},
		{name: "args without command", args: []string{"t.json", "x"}, wantErr: "unexpected arguments"},
		{name: "bad progress", args: []string{"-progress", "fancy", "t.json"}, wantErr: "-progress"},
		{name: "bad grace", args: []string{"-grace", "0s", "t.json"}, wantErr: "-grace"},
		{name: "unknown flag", args: []string{"-nope", "t.json"}, wantErr: "-nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseOptions(%q) = %v, want an error containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(o) {
				t.Errorf("parseOptions(%q) = %+v, %v", tt.args, o, err)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out strings.Builder
	_, err := parseOptions([]string{"-help"}, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("parseOptions(-help) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"Usage: host", "-command", "-pidfile", "Exit status"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help does not mention %q:\n%s", want, out.String())
		}
	}
}
