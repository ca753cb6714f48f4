package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// node describes one file system entry of a test tree: kind 'd'
// (directory), 'f' (regular file) or 'l' (symbolic link).
type node struct {
	kind   byte
	mode   fs.FileMode // permission bits; not compared for links
	data   string      // file contents
	target string      // link target
	mtime  time.Time   // zero: not set, not compared
}

func (n node) String() string {
	return fmt.Sprintf("{%c %v %q %q %v}", n.kind, n.mode, n.data, n.target, n.mtime)
}

func dir(mode fs.FileMode, mtime time.Time) node { return node{kind: 'd', mode: mode, mtime: mtime} }
func file(mode fs.FileMode, data string, mtime time.Time) node {
	return node{kind: 'f', mode: mode, data: data, mtime: mtime}
}
func link(target string) node { return node{kind: 'l', target: target} }

// stamp returns a distinct modification time with nanoseconds.
func stamp(i int) time.Time { return time.Unix(1_600_000_000+int64(i)*3600, int64(i)*1_001_001+7) }

// makeTree creates the entries of tree (slash-separated paths) under root,
// then applies modes and times, directories deepest first.
func makeTree(tb testing.TB, root string, tree map[string]node) {
	tb.Helper()
	names := sortedNames(tree)
	for _, name := range names {
		n, full := tree[name], filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		var err error
		switch n.kind {
		case 'd':
			err = os.MkdirAll(full, 0o755)
		case 'f':
			err = os.WriteFile(full, []byte(n.data), 0o600)
		case 'l':
			err = os.Symlink(n.target, full)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i := len(names) - 1; i >= 0; i-- {
		n, full := tree[names[i]], filepath.Join(root, filepath.FromSlash(names[i]))
		if n.kind == 'l' {
			continue
		}
		if err := os.Chmod(full, n.mode); err != nil {
			tb.Fatal(err)
		}
		if !n.mtime.IsZero() {
			if err := os.Chtimes(full, n.mtime, n.mtime); err != nil {
				tb.Fatal(err)
			}
		}
	}
	// Let t.TempDir remove directories the tree made read-only.
	tb.Cleanup(func() { makeWritable(root) })
}

func makeWritable(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

func sortedNames(tree map[string]node) []string {
	names := make([]string, 0, len(tree))
	for name := range tree {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// snapshot reads the tree under root (not root itself). Times are kept only
// for entries whose want entry has one.
func snapshot(tb testing.TB, root string) map[string]node {
	tb.Helper()
	got := make(map[string]node)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		n := node{mode: fi.Mode().Perm(), mtime: fi.ModTime()}
		switch {
		case fi.IsDir():
			n.kind = 'd'
		case fi.Mode().Type() == fs.ModeSymlink:
			n = node{kind: 'l'}
			n.target, err = os.Readlink(p)
		case fi.Mode().IsRegular():
			n.kind = 'f'
			var b []byte
			b, err = os.ReadFile(p)
			n.data = string(b)
		default:
			n.kind = '?'
		}
		got[filepath.ToSlash(rel)] = n
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// checkTree fails unless the tree under root is exactly want; an entry of
// want with a zero time matches any time.
func checkTree(tb testing.TB, root string, want map[string]node) {
	tb.Helper()
	got := snapshot(tb, root)
	for _, name := range sortedNames(want) {
		w, ok := got[name]
		if !ok {
			tb.Errorf("%s: missing, want %v", name, want[name])
			continue
		}
		if want[name].mtime.IsZero() {
			w.mtime = time.Time{}
		}
		if !w.mtime.Equal(want[name].mtime) || w.kind != want[name].kind || w.mode != want[name].mode ||
			w.data != want[name].data || w.target != want[name].target {
			tb.Errorf("%s = %v, want %v", name, w, want[name])
		}
	}
	for _, name := range sortedNames(got) {
		if _, ok := want[name]; !ok {
			tb.Errorf("%s: unexpected entry %v", name, got[name])
		}
	}
}

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
func prefixed(dir string, tree map[string]node) map[string]node {
	out := make(map[string]node, len(tree))
	for name, n := range tree {
		out[path.Join(dir, name)] = n
	}
	return out
}

// without returns tree less the entries for which drop is true.
func without(tree map[string]node, drop func(name string) bool) map[string]node {
	out := make(map[string]node)
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
