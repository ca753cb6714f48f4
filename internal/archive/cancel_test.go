package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

// cancelWriter cancels a context once more than limit bytes were written
// to it, and keeps writing.
type cancelWriter struct {
	buf    bytes.Buffer
	limit  int
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	n, _ := w.buf.Write(p)
	if w.buf.Len() > w.limit {
		w.cancel()
	}
	return n, nil
}

// cancelReader cancels a context once more than limit bytes were read.
type cancelReader struct {
	r      io.Reader
	n      int
	limit  int
	cancel context.CancelFunc
}

func (r *cancelReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += n
	if r.n > r.limit {
		r.cancel()
	}
	return n, err
}

func manyFiles(n int) testtree.Tree {
	tree := make(testtree.Tree)
	for i := range n {
		tree[fmt.Sprintf("d%d/f%03d", i%5, i)] = testtree.File(0o644, strings.Repeat("x", 1000), stamp(i))
	}
	return tree
}

func TestWriteCancel(t *testing.T) {
	src := t.TempDir()
	tree := manyFiles(100)
	tree["big"] = testtree.File(0o644, strings.Repeat("B", 3<<20), stamp(1))
	testtree.Make(t, src, tree)
	full := len(pack(t, src+"/", nil))
	tests := []struct {
		name  string
		limit int
	}{
		{"before the first entry", -1},
		{"between entries", 10_000},
		{"inside a big file", 200 << 10}, // "big" sorts first
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &cancelWriter{limit: tt.limit, cancel: cancel}
			if tt.limit < 0 {
				cancel()
			}
			err := Write(ctx, w, src+"/", nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Write cancelled after %d bytes = %v, want context.Canceled", tt.limit, err)
			}
			if w.buf.Len() > tt.limit+2*copyBufSize+4096 {
				t.Errorf("Write cancelled after %d bytes went on to %d of %d bytes", tt.limit, w.buf.Len(), full)
			}
		})
	}
}

func TestExtractCancel(t *testing.T) {
	src := t.TempDir()
	tree := manyFiles(100)
	tree["big"] = testtree.File(0o644, strings.Repeat("B", 3<<20), stamp(1))
	testtree.Make(t, src, tree)
	stream := pack(t, src+"/", nil)
	for _, limit := range []int{-1, 100 << 10, len(stream) - 60_000} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if limit < 0 {
				cancel()
			}
			r := &cancelReader{r: bytes.NewReader(stream), limit: limit, cancel: cancel}
			dst := filepath.Join(t.TempDir(), "dst")
			err := Extract(ctx, r, dst, nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Extract cancelled after %d of %d bytes = %v, want context.Canceled", limit, len(stream), err)
			}
			checkNoTemp(t, dst)
			if got := len(testtree.Read(t, dst)); got >= len(tree)+5 {
				t.Errorf("Extract cancelled after %d bytes still wrote all %d entries", limit, got)
			}
		})
	}
}
