package plugin

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseHandshake(t *testing.T) {
	tests := []struct {
		line string
		want handshake
		err  string // substring of the error; empty means success
	}{
		{"muxplug|1|tcp|127.0.0.1:10523\n", handshake{1, "tcp", "127.0.0.1:10523", nil}, ""},
		{"muxplug|1|tcp|127.0.0.1:10523\r\n", handshake{1, "tcp", "127.0.0.1:10523", nil}, ""},
		{"muxplug|12|unix|/tmp/muxplug-1/plugin.sock", handshake{12, "unix", "/tmp/muxplug-1/plugin.sock", nil}, ""},
		{"muxplug|1|tcp|127.0.0.1:1|future|fields", handshake{1, "tcp", "127.0.0.1:1", nil}, ""},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=builder", handshake{1, "tcp", "127.0.0.1:1", []string{"builder"}}, ""},
		{"muxplug|1|tcp|127.0.0.1:1|x|kinds=hook,post-processor|y=z\n",
			handshake{1, "tcp", "127.0.0.1:1", []string{"hook", "post-processor"}}, ""},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=builder,datasource", handshake{1, "tcp", "127.0.0.1:1", []string{"builder", "datasource"}}, ""},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=", handshake{}, `bad component kind ""`},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=builder,", handshake{}, `bad component kind ""`},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=Builder", handshake{}, `bad component kind "Builder"`},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=hook hook", handshake{}, `bad component kind "hook hook"`},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=hook,hook", handshake{}, "listed twice"},
		{"muxplug|1|tcp|127.0.0.1:1|kinds=hook|kinds=hook", handshake{}, "more than one kinds extension"},
		{"muxplug|1|tcp", handshake{}, "want"},
		{"muxplug|one|tcp|x", handshake{}, "bad protocol version"},
		{"muxplug|-1|tcp|x", handshake{}, "bad protocol version"},
		{"muxplug|0|tcp|x", handshake{}, "bad protocol version"},
		{"muxplug|1234567890|tcp|x", handshake{}, "bad protocol version"},
		{"muxplug|1|udp|x", handshake{}, "unknown network"},
		{"muxplug|1|tcp|", handshake{}, "bad address"},
		{"muxplug|1|tcp|a\x00b", handshake{}, "bad address"},
		{"muxplug|1|tcp|" + strings.Repeat("a", maxHandshakeLine), handshake{}, "longer than"},
		{"1|tcp|127.0.0.1:1234|grpc", handshake{}, "want"}, // go-plugin's line
	}
	for _, tt := range tests {
		got, err := parseHandshake(tt.line)
		if tt.err == "" {
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseHandshake(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
			}
			continue
		}
		var he *HandshakeError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("parseHandshake(%q) = %v; want a *HandshakeError mentioning %q", tt.line, err, tt.err)
			continue
		}
		if want := strings.TrimRight(tt.line, "\r\n"); he.Line != want {
			t.Errorf("parseHandshake(%q): HandshakeError.Line = %q, want %q", tt.line, he.Line, want)
		}
	}
}

func FuzzParseHandshake(f *testing.F) {
	f.Add("muxplug|1|tcp|127.0.0.1:10523\n")
	f.Add("muxplug|10|unix|/tmp/x/plugin.sock")
	f.Add("muxplug|1|tcp|a|b|c")
	f.Add("muxplug||||")
	f.Add("muxplug|\xff|tcp|x")
	f.Add("muxplug|1|tcp|127.0.0.1:1|kinds=builder,post-processor")
	f.Add("muxplug|1|unix|/s|kinds=hook|later=ext\r\n")
	f.Add("muxplug|1|tcp|x|kinds=a,,b")
	f.Add("muxplug|1|tcp|x|kinds=a|kinds=b")
	f.Fuzz(func(t *testing.T, line string) {
		h, err := parseHandshake(line)
		if err != nil {
			var he *HandshakeError
			if !errors.As(err, &he) {
				t.Fatalf("parseHandshake(%q) = %v, not a *HandshakeError", line, err)
			}
			return
		}
		// A parsed line formats back to a line that parses the same.
		h2, err := parseHandshake(h.String())
		if err != nil || !reflect.DeepEqual(h2, h) {
			t.Fatalf("parseHandshake(%q) = %+v; reparse of %q = %+v, %v", line, h, h.String(), h2, err)
		}
	})
}

func TestVersions(t *testing.T) {
	tests := []struct {
		host, plugin []int
		want         int
		ok           bool
	}{
		{[]int{1}, []int{1}, 1, true},
		{[]int{1, 2}, []int{2, 3}, 2, true},
		{[]int{9}, []int{10}, 10, false},
		{[]int{10}, []int{9}, 9, false},
		{[]int{2, 10}, []int{9, 10}, 10, true},
	}
	for _, tt := range tests {
		got, ok := chooseVersion(tt.host, tt.plugin)
		if got != tt.want || ok != tt.ok {
			t.Errorf("chooseVersion(%v, %v) = %d, %v; want %d, %v", tt.host, tt.plugin, got, ok, tt.want, tt.ok)
		}
	}
	messages := []struct {
		host   []int
		plugin int
		says   string
	}{
		{[]int{1}, 1, "plugin refused every protocol version the host offered (1), announcing 1"},
		{[]int{9}, 10, "upgrade the host"}, // numeric: 10 > 9
		{[]int{10}, 9, "upgrade the plugin"},
		{[]int{1, 3}, 2, "upgrade the plugin"},
	}
	for _, tt := range messages {
		err := error(&VersionError{Host: tt.host, Plugin: tt.plugin})
		if !errors.Is(err, ErrIncompatibleVersion) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("VersionError{%v, %d} = %v, want %q", tt.host, tt.plugin, err, tt.says)
		}
	}
}

func TestParseVersionList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"1", []int{1}},
		{"1,2, 10", []int{1, 2, 10}},
		{"", nil},
		{"1,x", nil},
	}
	for _, tt := range tests {
		got, err := parseVersionList(tt.in)
		if joinInts(got) != joinInts(tt.want) || (err == nil) != (tt.want != nil) {
			t.Errorf("parseVersionList(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
