package local

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds every wait of these tests.
const testTimeout = 30 * time.Second

func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	tb.Cleanup(cancel)
	return ctx
}

func newComm(tb testing.TB) *Communicator {
	tb.Helper()
	return &Communicator{Dir: tb.TempDir()}
}

// entry describes a file system entry: kind 'd', 'f' or 'l'.
type entry struct {
	kind   byte
	mode   fs.FileMode
	data   string
	target string
	mtime  time.Time
}

func stamp(i int) time.Time { return time.Unix(1_650_000_000+int64(i)*60, int64(i)*1000+3) }

// makeTree creates tree under root, then applies modes and times
// (directories deepest first).
func makeTree(tb testing.TB, root string, tree map[string]entry) {
	tb.Helper()
	names := sortedKeys(tree)
	for _, name := range names {
		e, full := tree[name], filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		var err error
		switch e.kind {
		case 'd':
			err = os.MkdirAll(full, 0o755)
		case 'f':
			err = os.WriteFile(full, []byte(e.data), 0o600)
		case 'l':
			err = os.Symlink(e.target, full)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i := len(names) - 1; i >= 0; i-- {
		e, full := tree[names[i]], filepath.Join(root, filepath.FromSlash(names[i]))
		if e.kind == 'l' {
			continue
		}
		if err := os.Chmod(full, e.mode); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chtimes(full, e.mtime, e.mtime); err != nil {
			tb.Fatal(err)
		}
	}
}

func sortedKeys(tree map[string]entry) []string {
	keys := make([]string, 0, len(tree))
	for k := range tree {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readTree reads the tree under root (not root itself).
func readTree(tb testing.TB, root string) map[string]entry {
	tb.Helper()
	got := make(map[string]entry)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode().Perm(), mtime: fi.ModTime()}
		switch {
		case fi.IsDir():
			e.kind = 'd'
		case fi.Mode().Type() == fs.ModeSymlink:
			e = entry{kind: 'l'}
			e.target, err = os.Readlink(p)
		default:
			e.kind = 'f'
			var b []byte
			b, err = os.ReadFile(p)
			e.data = string(b)
		}
		got[filepath.ToSlash(rel)] = e
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// checkTree fails unless root holds exactly want.
func checkTree(tb testing.TB, root string, want map[string]entry) {
	tb.Helper()
	got := readTree(tb, root)
	for _, name := range sortedKeys(want) {
		g, ok := got[name]
		w := want[name]
		switch {
		case !ok:
			tb.Errorf("%s: missing", name)
		case g.kind != w.kind || g.data != w.data || g.target != w.target ||
			(w.kind != 'l' && (g.mode != w.mode || !g.mtime.Equal(w.mtime))):
			tb.Errorf("%s = %+v, want %+v", name, g, w)
		}
	}
	for _, name := range sortedKeys(got) {
		if _, ok := want[name]; !ok {
			tb.Errorf("%s: unexpected", name)
		}
	}
}
