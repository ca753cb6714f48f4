package testtree

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Make creates the entries of tree under root, making root and any missing
// parent directory (mode 0755 less the umask) as needed, then applies each
// entry's mode and non-zero time, directories deepest first so that filling
// them does not change their times. It registers a cleanup with tb that
// makes every directory under root writable again, so that t.TempDir can
// remove a tree with read-only directories.
func Make(tb testing.TB, root string, tree Tree) {
	tb.Helper()
	names := Names(tree)
	for _, name := range names {
		n, full := tree[name], filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		var err error
		switch n.Kind {
		case KindDir:
			err = os.MkdirAll(full, 0o755)
		case KindFile:
			err = os.WriteFile(full, []byte(n.Data), 0o600)
		case KindLink:
			err = os.Symlink(n.Target, full)
		default:
			tb.Fatalf("testtree: %s: cannot make a node of kind %q", name, n.Kind)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i := len(names) - 1; i >= 0; i-- {
		n, full := tree[names[i]], filepath.Join(root, filepath.FromSlash(names[i]))
		if n.Kind == KindLink {
			continue
		}
		if err := os.Chmod(full, n.Mode); err != nil {
			tb.Fatal(err)
		}
		if !n.MTime.IsZero() {
			if err := os.Chtimes(full, n.MTime, n.MTime); err != nil {
				tb.Fatal(err)
			}
		}
	}
	tb.Cleanup(func() { MakeWritable(root) })
}

// MakeWritable sets mode 0755 on root and every directory under it, ignoring
// errors, so that the tree can be removed.
func MakeWritable(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}
