package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/muxplug/muxplug/internal/testtree"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// stamp returns a distinct modification time with nanoseconds.
func stamp(i int) time.Time { return time.Unix(1_600_000_000+int64(i)*3600, int64(i)*1_001_001+7) }

// pack runs Write and returns the stream.
func pack(tb testing.TB, src string, exclude []string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, src, exclude); err != nil {
		tb.Fatalf("Write(%q, %q): %v", src, exclude, err)
	}
	return buf.Bytes()
}

// names lists the entry names of a stream, in order.
func names(tb testing.TB, stream []byte) []string {
	tb.Helper()
	var out []string
	tr := tar.NewReader(bytes.NewReader(stream))
	for {
		hdr, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				tb.Fatalf("reading stream back: %v", err)
			}
			return out
		}
		out = append(out, hdr.Name)
	}
}

// prefixed returns tree with every name under dir.
func prefixed(dir string, tree testtree.Tree) testtree.Tree {
	out := make(testtree.Tree, len(tree))
	for name, n := range tree {
		out[path.Join(dir, name)] = n
	}
	return out
}

// without returns tree less the entries for which drop is true.
func without(tree testtree.Tree, drop func(name string) bool) testtree.Tree {
	out := make(testtree.Tree)
	for name, n := range tree {
		if !drop(name) {
			out[name] = n
		}
	}
	return out
}

func under(dir string) func(string) bool {
	return func(name string) bool { return name == dir || strings.HasPrefix(name, dir+"/") }
}
