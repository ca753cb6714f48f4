//go:build unix

package archive

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

func TestWriteSpecialFiles(t *testing.T) {
	src := t.TempDir()
	testtree.Make(t, src, testtree.Tree{"f": testtree.File(0o644, "f", stamp(1))})
	if err := syscall.Mkfifo(filepath.Join(src, "pipe"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var buf bytes.Buffer
	err := Write(context.Background(), &buf, src+"/", nil)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Write of a tree with a named pipe = %v, want ErrUnsupported", err)
	}
	if want := "archive: pipe: "; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("error %q does not start with %q", err, want)
	}
	// Excluded, the pipe is no obstacle.
	if got, want := names(t, pack(t, src+"/", []string{"pipe"})), []string{"f"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Write excluding the pipe: names %q, want %q", got, want)
	}
}
