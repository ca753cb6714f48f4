package termui

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestMachineLine(t *testing.T) {
	tests := []struct {
		name        string
		target, typ string
		data        []string
		want        string
	}{
		{"no data", "", "version", nil, "1767323045,,version,"},
		{"fields", "files", "artifact", []string{"0", "id", "abc"}, "1767323045,files,artifact,0,id,abc"},
		{"comma", "b", "ui", []string{"say", "a, b"}, "1767323045,b,ui,say,a%!(PACKER_COMMA) b"},
		{"newlines", "b", "ui", []string{"message", "one\r\ntwo\n"}, `1767323045,b,ui,message,one\r\ntwo\n`},
		{"escaped target", "x,y", "t", []string{""}, "1767323045,x%!(PACKER_COMMA)y,t,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MachineLine(epoch.Unix(), tt.target, tt.typ, tt.data...); got != tt.want {
				t.Errorf("MachineLine(%q, %q, %q) = %q, want %q", tt.target, tt.typ, tt.data, got, tt.want)
			}
		})
	}
}

func TestMachineReadable(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.MachineReadable = true })
	b := u.Named("files")
	b.Say("Creating, now")
	b.Message("two\nlines")
	b.Error("bad")
	b.Machine("artifact", "0", "files")
	b.Machine("other,artifact-count", "1")
	u.Say("from the host")
	want := strings.Join([]string{
		"1767323045,files,ui,say,Creating%!(PACKER_COMMA) now",
		`1767323045,files,ui,message,two\nlines`,
		"1767323045,files,ui,error,bad",
		"1767323045,files,artifact,0,files",
		"1767323045,other,artifact-count,1",
		"1767323045,,ui,say,from the host",
	}, "\n") + "\n"
	if got := s.out.String(); got != want {
		t.Errorf("Out =\n%s\nwant\n%s", got, want)
	}
	if got := s.err.String(); got != "" {
		t.Errorf("Err = %q, want nothing: machine-readable output all goes to Out", got)
	}
	if _, err := b.Ask("continue?"); !errors.Is(err, ErrMachineReadable) {
		t.Errorf("Ask in machine-readable mode: %v, want ErrMachineReadable", err)
	}
	stream := io.NopCloser(strings.NewReader("x"))
	if got := b.TrackProgress("f", 0, 1, stream); got != stream {
		t.Error("TrackProgress in machine-readable mode did not return the stream itself")
	}
}
