package readme

import (
	"archive/zip"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// The module's path, and the version a local module proxy serves it as.
const (
	modulePath    = "github.com/muxplug/muxplug"
	moduleVersion = "v0.1.0"
)

// writeProxy writes, into a new directory, a module proxy in the layout the
// go command reads from a file:// GOPROXY, serving the files of root as
// moduleVersion of modulePath, and returns the directory. Files of nested
// modules (a directory with a go.mod of its own, such as bench/) are left
// out, as the go command leaves them out of a module's zip.
func writeProxy(tb testing.TB, root string, files []string) string {
	tb.Helper()
	dir := tb.TempDir()
	v := filepath.Join(dir, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(v, 0o755); err != nil {
		tb.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		tb.Fatal(err)
	}
	for name, content := range map[string]string{
		"list":                  moduleVersion + "\n",
		moduleVersion + ".info": `{"Version":"` + moduleVersion + `","Time":"2026-01-01T00:00:00Z"}`,
		moduleVersion + ".mod":  string(mod),
	} {
		if err := os.WriteFile(filepath.Join(v, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if err := writeModuleZip(filepath.Join(v, moduleVersion+".zip"), root, moduleFiles(files)); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// moduleFiles returns the files that belong to the root module: not those
// under a directory that holds a go.mod of its own.
func moduleFiles(files []string) []string {
	nested := make(map[string]bool)
	for _, f := range files {
		if path.Base(f) == "go.mod" && f != "go.mod" {
			nested[path.Dir(f)] = true
		}
	}
	var out []string
	for _, f := range files {
		inNested := false
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			inNested = inNested || nested[d]
		}
		if !inNested {
			out = append(out, f)
		}
	}
	return out
}

// writeModuleZip writes the module zip of files (relative to root): each
// named "module@version/file".
func writeModuleZip(name, root string, files []string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return err
		}
		w, err := zw.Create(modulePath + "@" + moduleVersion + "/" + file)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	err = zw.Close()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileURL is the file:// URL of an absolute path.
func fileURL(p string) string {
	return "file://" + strings.ReplaceAll(filepath.ToSlash(p), " ", "%20")
}
