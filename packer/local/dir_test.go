package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/muxplug/muxplug/internal/archive"
	"github.com/muxplug/muxplug/internal/testtree"
)

func dirTree() testtree.Tree {
	return testtree.Tree{
		"run.sh":         testtree.File(0o755, "#!/bin/sh\n", stamp(1)),
		"secret":         testtree.File(0o600, "s", stamp(2)),
		"empty":          testtree.File(0o644, "", stamp(3)),
		"emptydir":       testtree.Dir(0o700, stamp(4)),
		"sub":            testtree.Dir(0o750, stamp(5)),
		"sub/a.txt":      testtree.File(0o644, strings.Repeat("a", 100_000), stamp(6)),
		"sub/app.log":    testtree.File(0o644, "log", stamp(7)),
		"sub/link":       testtree.Link("a.txt"),
		"cache":          testtree.Dir(0o755, stamp(8)),
		"cache/blob":     testtree.File(0o644, "blob", stamp(9)),
		"sub/cache":      testtree.Dir(0o755, stamp(10)),
		"sub/cache/blob": testtree.File(0o644, "blob2", stamp(11)),
	}
}

// only keeps the entries of tree for which keep is true, under prefix.
func only(tree testtree.Tree, prefix string, keep func(string) bool) testtree.Tree {
	out := make(testtree.Tree)
	for name, e := range tree {
		if keep(name) {
			out[path.Join(prefix, name)] = e
		}
	}
	return out
}

func all(string) bool { return true }

func TestUploadDownloadDir(t *testing.T) {
	tree := dirTree()
	noLogsOrCache := func(name string) bool {
		return !strings.HasSuffix(name, ".log") && name != "cache" && !strings.Contains(name, "cache/") && name != "sub/cache"
	}
	tests := []struct {
		name    string
		srcName string // under the local tree root, with its trailing slash
		exclude []string
		want    testtree.Tree // relative to the machine's dst
	}{
		{"contents", "tree/", nil, only(tree, "", all)},
		{"directory itself", "tree", nil, withRoot(only(tree, "tree", all))},
		{"excludes", "tree/", []string{"*.log", "cache"}, only(tree, "", noLogsOrCache)},
		{"excludes, directory itself", "tree", []string{"*.log", "cache"}, withRoot(only(tree, "tree", noLogsOrCache))},
		{"exclude by relative path", "tree/", []string{"sub/cache"}, only(tree, "", func(n string) bool { return !strings.HasPrefix(n, "sub/cache") })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := t.TempDir()
			testtree.Make(t, filepath.Join(local, "tree"), tree)
			if err := os.Chtimes(filepath.Join(local, "tree"), stamp(50), stamp(50)); err != nil {
				t.Fatal(err)
			}
			c := newComm(t)
			ctx := testCtx(t)
			src := filepath.Join(local, filepath.FromSlash(tt.srcName))
			if strings.HasSuffix(tt.srcName, "/") {
				src += "/"
			}
			if err := c.UploadDir(ctx, "machine/dst", src, tt.exclude); err != nil {
				t.Fatalf("UploadDir(machine/dst, %s, %q): %v", tt.srcName, tt.exclude, err)
			}
			testtree.Check(t, filepath.Join(c.Dir, "machine", "dst"), tt.want)

			// And back: the machine's copy, contents only, to a new local
			// directory (a relative src resolves against Dir).
			back := filepath.Join(t.TempDir(), "back")
			if err := c.DownloadDir(ctx, "machine/dst/", back, nil); err != nil {
				t.Fatalf("DownloadDir(machine/dst/): %v", err)
			}
			testtree.Check(t, back, tt.want)
		})
	}
}

// withRoot adds the tree's own directory entry.
func withRoot(tree testtree.Tree) testtree.Tree {
	tree["tree"] = testtree.Dir(0o755, stamp(50))
	return tree
}

func TestDownloadDirExclude(t *testing.T) {
	c := newComm(t)
	testtree.Make(t, filepath.Join(c.Dir, "out"), dirTree())
	if err := os.Chtimes(filepath.Join(c.Dir, "out"), stamp(60), stamp(60)); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := c.DownloadDir(testCtx(t), "out", dst, []string{"sub"}); err != nil {
		t.Fatal(err)
	}
	want := only(dirTree(), "out", func(n string) bool { return !strings.HasPrefix(n, "sub") })
	want["out"] = testtree.Dir(0o755, stamp(60))
	testtree.Check(t, dst, want)
}

func TestDirFailures(t *testing.T) {
	c := newComm(t)
	local := t.TempDir()
	testtree.Make(t, filepath.Join(local, "tree"), dirTree())
	if err := os.Symlink("/etc", filepath.Join(local, "escape")); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		src     string
		exclude []string
		want    error
	}{
		{"missing source", context.Background(), filepath.Join(local, "missing"), nil, fs.ErrNotExist},
		{"source is a file", context.Background(), filepath.Join(local, "tree", "secret"), nil, nil},
		{"bad pattern", context.Background(), filepath.Join(local, "tree"), []string{"["}, path.ErrBadPattern},
		{"cancelled", cancelled, filepath.Join(local, "tree"), nil, context.Canceled},
		{"link out of the destination", context.Background(), local + "/", []string{"tree"}, archive.ErrUnsafePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.UploadDir(tt.ctx, "dst", tt.src, tt.exclude)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("UploadDir(%s, %q) = %v, want an error wrapping %v", tt.src, tt.exclude, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "local: upload dir") {
				t.Errorf("error %q lacks its prefix", err)
			}
		})
	}
}

// countdownCtx is a context whose Err reports context.Canceled from its
// n-th call on: a deterministic cancellation in the middle of a copy, for
// code that polls Err.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return c.Context.Err()
}

func TestDirCancelMidStream(t *testing.T) {
	local := t.TempDir()
	tree := make(testtree.Tree)
	for i := range 100 {
		tree[fmt.Sprintf("d%d/f%03d", i%4, i)] = testtree.File(0o644, strings.Repeat("x", 20_000), stamp(i))
	}
	testtree.Make(t, local, tree)
	for _, n := range []int64{1, 10, 100, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := newComm(t)
			ctx := &countdownCtx{Context: testCtx(t)}
			ctx.n.Store(n)
			err := c.UploadDir(ctx, "dst", local+"/", nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("UploadDir cancelled at the %dth check = %v, want context.Canceled", n, err)
			}
			if got := len(testtree.Read(t, filepath.Join(c.Dir, "dst"))); got >= len(tree)+4 { // 100 files, 4 directories
				t.Errorf("UploadDir cancelled at the %dth check copied %d entries", n, got)
			}
		})
	}
}
