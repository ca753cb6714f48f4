package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeModule writes a module with two example plugins and returns its root.
func fakeModule(tb testing.TB) string {
	tb.Helper()
	root := tb.TempDir()
	files := map[string]string{
		"go.mod":                       "module example.com/m\n\ngo 1.22\n",
		"lib/lib.go":                   "package lib\n\nfunc F() {}\n",
		"lib/lib_test.go":              "package lib\n",
		"unused/unused.go":             "package unused\n",
		"examples/plugins/a/main.go":   "package main\n\nimport \"example.com/m/lib\"\n\nfunc main() { lib.F() }\n",
		"examples/plugins/b/main.go":   "package main\n\nfunc main() {}\n",
		"examples/plugins/notes.txt":   "not a plugin\n",
		"examples/plugins/empty/x.txt": "no main.go\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return root
}

func TestPluginNames(t *testing.T) {
	names, err := pluginNames(fakeModule(t))
	if err != nil || len(names) != 2 || names[0] != "a" || names[1] != "b" {
		t.Errorf("pluginNames = %q, %v; want [a b]", names, err)
	}
	if _, err := pluginNames(t.TempDir()); err == nil {
		t.Error("pluginNames(empty dir) succeeded")
	}
}

func TestFingerprint(t *testing.T) {
	root := fakeModule(t)
	base := mustFingerprint(t, root)
	if again := mustFingerprint(t, root); again != base {
		t.Fatal("fingerprint is not stable")
	}
	tests := []struct {
		name    string
		file    string
		changes bool
	}{
		{"dependency", "lib/lib.go", true},
		{"go.mod", "go.mod", true},
		{"plugin source", "examples/plugins/b/main.go", true},
		{"test file", "lib/lib_test.go", false},
		{"unused package", "unused/unused.go", false},
		{"non-go file", "examples/plugins/notes.txt", false},
	}
	later := time.Now().Add(time.Hour)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(root, filepath.FromSlash(tt.file))
			if err := os.Chtimes(p, later, later); err != nil {
				t.Fatal(err)
			}
			got := mustFingerprint(t, root)
			if changed := got != base; changed != tt.changes {
				t.Errorf("touching %s changed the fingerprint: %v, want %v", tt.file, changed, tt.changes)
			}
			base = got
		})
	}
}

func mustFingerprint(tb testing.TB, root string) string {
	tb.Helper()
	fp, err := fingerprint(context.Background(), root, goCommand())
	if err != nil {
		tb.Fatal(err)
	}
	return fp
}

func TestUpToDate(t *testing.T) {
	b := &pluginBuild{root: fakeModule(t), cacheDir: t.TempDir(), say: func(string) {}}
	names := []string{"a", "b"}
	if b.upToDate(names, "s1") {
		t.Fatal("upToDate with an empty cache")
	}
	os.MkdirAll(b.binaries(), 0o755)
	os.WriteFile(filepath.Join(b.cacheDir, stampFile), []byte("s1"), 0o644)
	os.WriteFile(filepath.Join(b.binaries(), exeName("a")), nil, 0o755)
	if b.upToDate(names, "s1") {
		t.Error("upToDate with plugin b missing")
	}
	os.WriteFile(filepath.Join(b.binaries(), exeName("b")), nil, 0o755)
	if !b.upToDate(names, "s1") {
		t.Error("not upToDate with the stamp and every binary")
	}
	if b.upToDate(names, "s2") {
		t.Error("upToDate after the sources changed")
	}
}

func TestModuleRoot(t *testing.T) {
	root := fakeModule(t)
	got, err := moduleRoot(filepath.Join(t.TempDir(), "elsewhere"), filepath.Join(root, "examples", "plugins", "a"))
	if err != nil || got != root {
		t.Errorf("moduleRoot = %q, %v; want %q (from the second start)", got, err, root)
	}
	if _, err := moduleRoot(t.TempDir()); err == nil {
		t.Error("moduleRoot outside any module succeeded")
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv(cacheEnv, "/some/cache")
	if got, err := defaultCacheDir("/r"); err != nil || got != "/some/cache" {
		t.Errorf("defaultCacheDir with $%s = %q, %v", cacheEnv, got, err)
	}
	t.Setenv(cacheEnv, "")
	a, errA := defaultCacheDir("/r1")
	b, errB := defaultCacheDir("/r2")
	if errA == nil && errB == nil && a == b {
		t.Errorf("two module roots share the cache dir %q", a)
	}
}
