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
)

func dirTree() map[string]entry {
	return map[string]entry{
		"run.sh":         {kind: 'f', mode: 0o755, data: "#!/bin/sh\n", mtime: stamp(1)},
		"secret":         {kind: 'f', mode: 0o600, data: "s", mtime: stamp(2)},
		"empty":          {kind: 'f', mode: 0o644, mtime: stamp(3)},
		"emptydir":       {kind: 'd', mode: 0o700, mtime: stamp(4)},
		"sub":            {kind: 'd', mode: 0o750, mtime: stamp(5)},
		"sub/a.txt":      {kind: 'f', mode: 0o644, data: strings.Repeat("a", 100_000), mtime: stamp(6)},
		"sub/app.log":    {kind: 'f', mode: 0o644, data: "log", mtime: stamp(7)},
		"sub/link":       {kind: 'l', target: "a.txt"},
		"cache":          {kind: 'd', mode: 0o755, mtime: stamp(8)},
		"cache/blob":     {kind: 'f', mode: 0o644, data: "blob", mtime: stamp(9)},
		"sub/cache":      {kind: 'd', mode: 0o755, mtime: stamp(10)},
		"sub/cache/blob": {kind: 'f', mode: 0o644, data: "blob2", mtime: stamp(11)},
	}
}

// only keeps the entries of tree for which keep is true, under prefix.
func only(tree map[string]entry, prefix string, keep func(string) bool) map[string]entry {
	out := make(map[string]entry)
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
		want    map[string]entry // relative to the machine's dst
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
			makeTree(t, filepath.Join(local, "tree"), tree)
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
			checkTree(t, filepath.Join(c.Dir, "machine", "dst"), tt.want)

			// And back: the machine's copy, contents only, to a new local
			// directory (a relative src resolves against Dir).
			back := filepath.Join(t.TempDir(), "back")
			if err := c.DownloadDir(ctx, "machine/dst/", back, nil); err != nil {
				t.Fatalf("DownloadDir(machine/dst/): %v", err)
			}
			checkTree(t, back, tt.want)
		})
	}
}

// withRoot adds the tree's own directory entry.
func withRoot(tree map[string]entry) map[string]entry {
	tree["tree"] = entry{kind: 'd', mode: 0o755, mtime: stamp(50)}
	return tree
}

func TestDownloadDirExclude(t *testing.T) {
	c := newComm(t)
	makeTree(t, filepath.Join(c.Dir, "out"), dirTree())
	if err := os.Chtimes(filepath.Join(c.Dir, "out"), stamp(60), stamp(60)); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := c.DownloadDir(testCtx(t), "out", dst, []string{"sub"}); err != nil {
		t.Fatal(err)
	}
	want := only(dirTree(), "out", func(n string) bool { return !strings.HasPrefix(n, "sub") })
	want["out"] = entry{kind: 'd', mode: 0o755, mtime: stamp(60)}
	checkTree(t, dst, want)
}

func TestDirFailures(t *testing.T) {
	c := newComm(t)
	local := t.TempDir()
	makeTree(t, filepath.Join(local, "tree"), dirTree())
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
	tree := make(map[string]entry)
	for i := range 100 {
		tree[fmt.Sprintf("d%d/f%03d", i%4, i)] = entry{kind: 'f', mode: 0o644, data: strings.Repeat("x", 20_000), mtime: stamp(i)}
	}
	makeTree(t, local, tree)
	for _, n := range []int64{1, 10, 100, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := newComm(t)
			ctx := &countdownCtx{Context: testCtx(t)}
			ctx.n.Store(n)
			err := c.UploadDir(ctx, "dst", local+"/", nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("UploadDir cancelled at the %dth check = %v, want context.Canceled", n, err)
			}
			if got := len(readTree(t, filepath.Join(c.Dir, "dst"))); got >= len(tree)+4 { // 100 files, 4 directories
				t.Errorf("UploadDir cancelled at the %dth check copied %d entries", n, got)
			}
		})
	}
}
