package readme

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot returns the repository's root: two levels above this package.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "README.md")); err != nil {
		tb.Fatalf("no README.md at the repository root: %v", err)
	}
	return root
}

// readREADME returns the README's text.
func readREADME(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(tb), "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// sourceFiles lists, slash-separated and relative to root, the files a
// fresh clone of the repository would have with the changes of the working
// tree: those git tracks or would track (not ignored), that exist.
func sourceFiles(tb testing.TB, root string) []string {
	tb.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		tb.Skipf("not a git checkout, so no file list to copy (git ls-files: %v)", err)
	}
	var files []string
	for _, f := range strings.Split(string(bytes.TrimRight(out, "\x00")), "\x00") {
		if fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f))); err == nil && fi.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	return files
}

// copyTree copies files from root into a new directory, keeping their
// modes, and returns the directory.
func copyTree(tb testing.TB, root string, files []string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "muxplug")
	for _, f := range files {
		if err := copyFile(filepath.Join(root, filepath.FromSlash(f)), filepath.Join(dst, filepath.FromSlash(f))); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
