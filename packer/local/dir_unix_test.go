//go:build unix

package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/muxplug/muxplug/internal/archive"
	"github.com/muxplug/muxplug/internal/testtree"
)

// TestDirOneSideFails checks that when one end of the pipe fails in the
// middle of a tree, the other end stops and the error is the cause.
func TestDirOneSideFails(t *testing.T) {
	tests := []struct {
		name string
		odd  func(dir string) error // adds an entry that sorts after "m"
		want error
	}{
		{"packing fails (named pipe)", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "z-fifo"), 0o644) }, archive.ErrUnsupported},
		{"unpacking fails (escaping link)", func(dir string) error { return os.Symlink("../../outside", filepath.Join(dir, "z-link")) }, archive.ErrUnsafePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := t.TempDir()
			tree := make(testtree.Tree)
			for i := range 50 {
				tree[fmt.Sprintf("m%03d", i)] = testtree.File(0o644, strings.Repeat("y", 100_000), stamp(i))
			}
			testtree.Make(t, local, tree)
			if err := tt.odd(local); err != nil {
				t.Skipf("cannot make the odd entry: %v", err)
			}
			c := newComm(t)
			err := c.UploadDir(testCtx(t), "dst", local+"/", nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UploadDir = %v, want %v", err, tt.want)
			}
			if errors.Is(err, errExtractDone) {
				t.Errorf("UploadDir reported the pipe's closing instead of the cause: %v", err)
			}
			if got := len(testtree.Read(t, filepath.Join(c.Dir, "dst"))); got != len(tree) {
				t.Errorf("UploadDir copied %d entries before the odd one, want %d", got, len(tree))
			}
		})
	}
}
