package testtree

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Read returns the tree under root (not root itself): every entry with its
// kind, permission bits and modification time, a file's contents and a
// link's target. Links get no mode and no time.
func Read(tb testing.TB, root string) Tree {
	tb.Helper()
	got := make(Tree)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		n, err := readNode(p)
		got[filepath.ToSlash(rel)] = n
		return err
	})
	if err != nil {
		tb.Fatalf("testtree: read %s: %v", root, err)
	}
	return got
}

func readNode(p string) (Node, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return Node{}, err
	}
	n := Node{Mode: fi.Mode().Perm(), MTime: fi.ModTime()}
	switch {
	case fi.IsDir():
		n.Kind = KindDir
	case fi.Mode().Type() == fs.ModeSymlink:
		n = Node{Kind: KindLink}
		n.Target, err = os.Readlink(p)
	case fi.Mode().IsRegular():
		n.Kind = KindFile
		var b []byte
		b, err = os.ReadFile(p)
		n.Data = string(b)
	default:
		n.Kind = KindOther
	}
	return n, err
}

// Check reports an error through tb for every difference between the tree
// under root and want: a missing entry, an unexpected one, or one whose
// kind, mode, contents, target or time differ. An entry of want with a zero
// time matches any time.
func Check(tb testing.TB, root string, want Tree) {
	tb.Helper()
	got := Read(tb, root)
	for _, name := range Names(want) {
		g, ok := got[name]
		w := want[name]
		if !ok {
			tb.Errorf("%s: missing, want %v", name, w)
			continue
		}
		if w.MTime.IsZero() {
			g.MTime = time.Time{}
		}
		if !g.MTime.Equal(w.MTime) || g.Kind != w.Kind || g.Mode != w.Mode || g.Data != w.Data || g.Target != w.Target {
			tb.Errorf("%s = %v, want %v", name, g, w)
		}
	}
	for _, name := range Names(got) {
		if _, ok := want[name]; !ok {
			tb.Errorf("%s: unexpected entry %v", name, got[name])
		}
	}
}
