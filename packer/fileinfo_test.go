package packer_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/muxplug/muxplug/packer"
)

func TestNewFileInfoNil(t *testing.T) {
	if got := packer.NewFileInfo(nil); got != nil {
		t.Errorf("NewFileInfo(nil) = %+v, want nil", got)
	}
}

func TestNewFileInfo(t *testing.T) {
	mtime := time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)
	dir := t.TempDir()
	file := filepath.Join(dir, "file.bin")
	if err := os.WriteFile(file, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(file, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	mapfs := fstest.MapFS{
		"fifo":  {Data: []byte("buffer"), Mode: fs.ModeNamedPipe | 0o620, ModTime: mtime},
		"empty": {Mode: 0o755 | fs.ModeSetuid},
	}

	tests := []struct {
		name string
		stat func() (fs.FileInfo, error)
		want packer.FileInfo
	}{
		{"os file", func() (fs.FileInfo, error) { return os.Stat(file) },
			packer.FileInfo{Name: "file.bin", Size: 5, Mode: 0o640, ModTime: mtime}},
		{"fs named pipe", func() (fs.FileInfo, error) { return fs.Stat(mapfs, "fifo") },
			packer.FileInfo{Name: "fifo", Size: 6, Mode: fs.ModeNamedPipe | 0o620, ModTime: mtime}},
		{"fs setuid, zero time", func() (fs.FileInfo, error) { return fs.Stat(mapfs, "empty") },
			packer.FileInfo{Name: "empty", Size: 0, Mode: 0o755 | fs.ModeSetuid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, err := tt.stat()
			if err != nil {
				t.Fatal(err)
			}
			got := packer.NewFileInfo(fi)
			if got == nil || got.Name != tt.want.Name || got.Size != tt.want.Size || got.Mode != tt.want.Mode ||
				!got.ModTime.Equal(tt.want.ModTime) {
				t.Errorf("NewFileInfo(%s) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}

	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := packer.NewFileInfo(st); got == nil || !got.Mode.IsDir() || got.Name != filepath.Base(dir) {
		t.Errorf("NewFileInfo(directory) = %+v, want a directory named %q", got, filepath.Base(dir))
	}
}
