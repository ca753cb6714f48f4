package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestPrepare(t *testing.T) {
	tests := []struct {
		name         string
		raw          map[string]interface{}
		wantErr      string
		wantWarnings int
	}{
		{name: "ok", raw: map[string]interface{}{"output_dir": "x", "count": 2}},
		{name: "empty build warns", raw: map[string]interface{}{"output_dir": "x"}, wantWarnings: 1},
		{name: "no output_dir", raw: map[string]interface{}{"count": 1}, wantErr: "output_dir is required"},
		{name: "negative count", raw: map[string]interface{}{"output_dir": "x", "count": -1}, wantErr: "count is -1"},
		{name: "escaping name", raw: map[string]interface{}{"output_dir": "x", "files": map[string]interface{}{"../x": ""}}, wantErr: `"../x"`},
		{name: "absolute name", raw: map[string]interface{}{"output_dir": "x", "files": map[string]interface{}{"/etc/x": ""}}, wantErr: `"/etc/x"`},
		{name: "unknown key", raw: map[string]interface{}{"output_dir": "x", "cuont": 1}, wantErr: `unknown field "cuont"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warnings, err := new(Builder).Prepare(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Prepare(%v) = %v, want an error containing %q", tt.raw, err, tt.wantErr)
				}
				return
			}
			if err != nil || len(warnings) != tt.wantWarnings {
				t.Errorf("Prepare(%v) = %q, %v; want %d warnings", tt.raw, warnings, err, tt.wantWarnings)
			}
		})
	}
}

// prepared returns a Builder prepared to build into a new directory.
func prepared(tb testing.TB, extra map[string]interface{}) (*Builder, string) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "site")
	raw := map[string]interface{}{"output_dir": dir, "files": map[string]interface{}{"a.txt": "A", "sub/b.txt": "B"}, "count": 2}
	b := new(Builder)
	if _, err := b.Prepare(raw, extra); err != nil {
		tb.Fatal(err)
	}
	return b, dir
}

func TestRun(t *testing.T) {
	b, dir := prepared(t, nil)
	var gotData interface{}
	hook := &packertest.Hook{RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
		gotData = data
		cmd := &packer.RemoteCmd{Command: "cat a.txt > copy.txt"}
		if err := cmd.RunWithUi(ctx, comm, ui); err != nil || cmd.ExitStatus() != 0 {
			t.Errorf("command through the hook's communicator: %v, status %d", err, cmd.ExitStatus())
		}
		return nil
	}}
	ui := new(packertest.Ui)
	art, err := b.Run(context.Background(), ui, hook)
	if err != nil {
		t.Fatalf("Run: %v\nui:\n%s", err, ui)
	}
	if names := hook.Names(); len(names) != 1 || names[0] != packer.HookProvision {
		t.Errorf("hook points = %q, want [%s]", names, packer.HookProvision)
	}
	if want := map[string]interface{}{"builder": BuilderID, "output_dir": dir}; !reflect.DeepEqual(gotData, want) {
		t.Errorf("hook data = %v, want %v", gotData, want)
	}
	want := map[string]string{"a.txt": "A", "sub/b.txt": "B", "file-1.txt": "generated file 1 of 2\n",
		"file-2.txt": "generated file 2 of 2\n", "copy.txt": "A"}
	got := make(map[string]string)
	for _, f := range art.Files() {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, f)
		got[filepath.ToSlash(rel)] = string(data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("artifact files = %v, want %v", got, want)
	}
	if art.Id() != dir || art.State("dir") != dir || art.State("file_count") != 5 || art.BuilderId() != BuilderID {
		t.Errorf("artifact Id %q, dir %v, file_count %v, BuilderId %q", art.Id(), art.State("dir"), art.State("file_count"), art.BuilderId())
	}
	if err := art.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Destroy, stat %s: %v", dir, err)
	}
}

func TestRunExistingDir(t *testing.T) {
	for _, force := range []bool{false, true} {
		b, dir := prepared(t, map[string]interface{}{"force": force})
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "old.txt"), []byte("old"), 0o644)
		art, err := b.Run(context.Background(), new(packertest.Ui), new(packertest.Hook))
		_, statErr := os.Stat(filepath.Join(dir, "old.txt"))
		switch {
		case !force && (err == nil || !strings.Contains(err.Error(), "already exists") || statErr != nil):
			t.Errorf("force=false: Run = %v (old file: %v), want an \"already exists\" error and the old file kept", err, statErr)
		case force && (err != nil || statErr == nil || len(art.Files()) != 4):
			t.Errorf("force=true: Run = %v (old file: %v), want the directory replaced", err, statErr)
		}
	}
}

func TestRunFailureRemovesDir(t *testing.T) {
	hookErr := errors.New("provisioning failed")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		hook packer.Hook
		want error
	}{
		{"hook fails", context.Background(), &packertest.Hook{RunFunc: func(context.Context, string, packer.Ui, packer.Communicator, interface{}) error {
			return hookErr
		}}, hookErr},
		{"cancelled", cancelled, new(packertest.Hook), context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, dir := prepared(t, nil)
			art, err := b.Run(tt.ctx, new(packertest.Ui), tt.hook)
			if !errors.Is(err, tt.want) || art != nil {
				t.Errorf("Run = %v, %v; want no artifact and %v", art, err, tt.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the failed build left %s (stat: %v)", dir, err)
			}
		})
	}
}
