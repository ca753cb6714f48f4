package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestUploadFile(t *testing.T) {
	src := filepath.Join(t.TempDir(), "payload.bin")
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	if err := os.WriteFile(src, content, 0o640); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dst, want string
	}{
		{"data/", "data/payload.bin"},
		{"renamed.bin", "renamed.bin"},
	}
	for _, tt := range tests {
		t.Run(tt.dst, func(t *testing.T) {
			machine := t.TempDir()
			p := new(Provisioner)
			if err := p.Prepare(map[string]interface{}{"source": src, "destination": tt.dst}); err != nil {
				t.Fatal(err)
			}
			ui := new(packertest.Ui)
			if err := p.Provision(context.Background(), ui, &local.Communicator{Dir: machine}); err != nil {
				t.Fatalf("Provision: %v\nui:\n%s", err, ui)
			}
			got, err := os.ReadFile(filepath.Join(machine, filepath.FromSlash(tt.want)))
			if err != nil || !bytes.Equal(got, content) {
				t.Errorf("uploaded %s: %d bytes, %v; want the %d bytes of the source", tt.want, len(got), err, len(content))
			}
			prog := ui.Progress()
			if len(prog) != 1 || prog[0].Src != "payload.bin" || prog[0].TotalSize != int64(len(content)) ||
				prog[0].Transferred != int64(len(content)) || !prog[0].Closed {
				t.Errorf("progress = %+v, want one closed transfer of payload.bin with every byte", prog)
			}
		})
	}
}

func TestUploadDir(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "keep.txt"), []byte("keep"), 0o644)
	os.WriteFile(filepath.Join(src, "skip.tmp"), []byte("skip"), 0o644)
	machine := t.TempDir()
	p := new(Provisioner)
	if err := p.Prepare(map[string]interface{}{"source": src + "/", "destination": "tree", "exclude": []interface{}{"*.tmp"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Provision(context.Background(), new(packertest.Ui), &local.Communicator{Dir: machine}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(machine, "tree", "keep.txt")); err != nil || string(got) != "keep" {
		t.Errorf("tree/keep.txt = %q, %v; want \"keep\"", got, err)
	}
	if _, err := os.Stat(filepath.Join(machine, "tree", "skip.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("excluded skip.tmp was uploaded (stat: %v)", err)
	}
}

func TestPrepareErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]interface{}
		want string
	}{
		{"no source", map[string]interface{}{"destination": "x"}, "source and destination are required"},
		{"no destination", map[string]interface{}{"source": "x"}, "source and destination are required"},
		{"negative rate", map[string]interface{}{"source": ".", "destination": "x", "bytes_per_second": -1}, "bytes_per_second is -1"},
		{"missing source", map[string]interface{}{"source": "/no/such/file", "destination": "x"}, "/no/such/file"},
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

func TestUploadFileAtARate(t *testing.T) {
	src := filepath.Join(t.TempDir(), "payload.bin")
	content := bytes.Repeat([]byte("rate"), 64<<10) // 256 KiB, 1/40 s at the rate below
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	p := new(Provisioner)
	if err := p.Prepare(map[string]interface{}{"source": src, "destination": "x.bin", "bytes_per_second": 10 << 20}); err != nil {
		t.Fatal(err)
	}
	machine := t.TempDir()
	ui := new(packertest.Ui)
	if err := p.Provision(context.Background(), ui, &local.Communicator{Dir: machine}); err != nil {
		t.Fatalf("Provision: %v\nui:\n%s", err, ui)
	}
	if got, err := os.ReadFile(filepath.Join(machine, "x.bin")); err != nil || !bytes.Equal(got, content) {
		t.Errorf("uploaded %d bytes, %v; want the %d bytes of the source", len(got), err, len(content))
	}
	if prog := ui.Progress(); len(prog) != 1 || prog[0].Transferred != int64(len(content)) || !prog[0].Closed {
		t.Errorf("progress = %+v, want one closed transfer of every byte", prog)
	}
	if !strings.Contains(ui.String(), "at most 10485760 bytes per second") {
		t.Errorf("the Ui was not told of the rate limit:\n%s", ui)
	}
}
