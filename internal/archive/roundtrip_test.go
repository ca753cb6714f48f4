package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

// sampleTree has nested directories, an empty directory, an empty file,
// several modes, a read-only directory with contents and links inside.
func sampleTree() testtree.Tree {
	return testtree.Tree{
		"a.txt":                            testtree.File(0o644, "alpha\n", stamp(1)),
		"empty":                            testtree.File(0o600, "", stamp(2)),
		"run.sh":                           testtree.File(0o755, "#!/bin/sh\necho hi\n", stamp(3)),
		"secret":                           testtree.File(0o600, "s3cret", stamp(4)),
		"sub":                              testtree.Dir(0o755, stamp(5)),
		"sub/b.txt":                        testtree.File(0o640, strings.Repeat("b", 70_000), stamp(6)),
		"sub/deep":                         testtree.Dir(0o700, stamp(7)),
		"sub/deep/c.txt":                   testtree.File(0o444, "c", stamp(8)),
		"sub/deep/up":                      testtree.Link("../b.txt"),
		"emptydir":                         testtree.Dir(0o755, stamp(9)),
		"ro":                               testtree.Dir(0o555, stamp(10)),
		"ro/inside":                        testtree.File(0o644, "inside a read-only dir", stamp(11)),
		"link-to-a":                        testtree.Link("a.txt"),
		"link-to-sub":                      testtree.Link("sub"),
		"dangling":                         testtree.Link("nowhere"),
		"dots/./x":                         testtree.File(0o644, "x", stamp(12)),
		"dots":                             testtree.Dir(0o751, stamp(13)),
		"long/" + strings.Repeat("n", 200): testtree.File(0o644, "a name over 100 bytes", stamp(14)),
		"long":                             testtree.Dir(0o755, stamp(15)),
	}
}

func TestRoundTrip(t *testing.T) {
	tree := sampleTree()
	src := filepath.Join(t.TempDir(), "tree")
	testtree.Make(t, src, tree)
	want := make(testtree.Tree)
	for name, n := range tree {
		want[filepath.ToSlash(filepath.Clean(name))] = n
	}
	tests := []struct {
		name string
		src  string
		want testtree.Tree
	}{
		{"contents", src + "/", want},
		{"directory itself", src, mergeTrees(prefixed("tree", want), testtree.Tree{"tree": testtree.Dir(0o755, stamp(100))})},
	}
	if err := os.Chtimes(src, stamp(100), stamp(100)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := pack(t, tt.src, nil)
			dst := filepath.Join(t.TempDir(), "new", "dst")
			if err := Extract(context.Background(), bytes.NewReader(stream), dst, nil); err != nil {
				t.Fatalf("Extract of Write(%q): %v", tt.src, err)
			}
			t.Cleanup(func() { testtree.MakeWritable(dst) })
			testtree.Check(t, dst, tt.want)
		})
	}
}

func mergeTrees(a, b testtree.Tree) testtree.Tree {
	out := make(testtree.Tree)
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestTrailingSlash(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "proj")
	testtree.Make(t, src, testtree.Tree{
		"f":     testtree.File(0o644, "f", stamp(1)),
		"d/g":   testtree.File(0o644, "g", stamp(2)),
		"d":     testtree.Dir(0o755, stamp(3)),
		"empty": testtree.Dir(0o755, stamp(4)),
	})
	tests := []struct {
		src  string
		want []string
	}{
		{src + "/", []string{"d/", "d/g", "empty/", "f"}},
		{src + "//", []string{"d/", "d/g", "empty/", "f"}},
		{src, []string{"proj/", "proj/d/", "proj/d/g", "proj/empty/", "proj/f"}},
		{src + "/d/..", []string{"proj/", "proj/d/", "proj/d/g", "proj/empty/", "proj/f"}},
		{src + "/.", []string{"proj/", "proj/d/", "proj/d/g", "proj/empty/", "proj/f"}},
		{src + "/d", []string{"d/", "d/g"}},
		{src + "/d/", []string{"g"}},
	}
	for _, tt := range tests {
		got := names(t, pack(t, tt.src, nil))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("names of Write(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestWriteRootLink(t *testing.T) {
	root := t.TempDir()
	testtree.Make(t, root, testtree.Tree{
		"real":   testtree.Dir(0o750, stamp(1)),
		"real/f": testtree.File(0o644, "f", stamp(2)),
	})
	if err := os.Symlink("real", filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	stream := pack(t, filepath.Join(root, "alias"), nil)
	if got, want := names(t, stream), []string{"alias/", "alias/f"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("names of Write(alias) = %q, want %q", got, want)
	}
	dst := t.TempDir()
	if err := Extract(context.Background(), bytes.NewReader(stream), dst, nil); err != nil {
		t.Fatal(err)
	}
	testtree.Check(t, dst, testtree.Tree{"alias": testtree.Dir(0o750, stamp(1)), "alias/f": testtree.File(0o644, "f", stamp(2))})
}

func TestWriteErrors(t *testing.T) {
	root := t.TempDir()
	testtree.Make(t, root, testtree.Tree{"f": testtree.File(0o644, "f", stamp(1))})
	tests := []struct {
		name    string
		src     string
		exclude []string
		want    error
	}{
		{"regular file", filepath.Join(root, "f"), nil, ErrNotDir},
		{"missing", filepath.Join(root, "missing"), nil, os.ErrNotExist},
		{"empty src", "", nil, ErrNotDir},
		{"bad pattern", root, []string{"ok", "[unclosed"}, path.ErrBadPattern},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(context.Background(), &buf, tt.src, tt.exclude)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Write(%q, %q) = %v, want %v", tt.src, tt.exclude, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "archive: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tt.name != "bad pattern" && buf.Len() != 0 {
				t.Errorf("Write(%q) wrote %d bytes before failing", tt.src, buf.Len())
			}
		})
	}
}
