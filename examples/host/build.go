package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The example plugins live in pluginsDir of the module; the host builds
// them all with one `go build` into binDir of its cache directory and
// records what it built from in stampFile.
const (
	pluginsDir = "examples/plugins"
	binDir     = "bin"
	stampFile  = "stamp"
	cacheEnv   = "MUXPLUG_EXAMPLES_CACHE"
)

// pluginBuild builds the example plugins of the module at root into
// cacheDir, unless they are already there and up to date.
type pluginBuild struct {
	root     string       // the module root (holds go.mod)
	cacheDir string       // where bin/ and the stamp go
	say      func(string) // progress messages
}

// binaries returns the directory of the built plugins.
func (b *pluginBuild) binaries() string { return filepath.Join(b.cacheDir, binDir) }

// ensure builds the plugins if any is missing or the module's sources
// changed since they were built. It blocks for the build; ending ctx kills
// the go command.
func (b *pluginBuild) ensure(ctx context.Context) error {
	names, err := pluginNames(b.root)
	if err != nil {
		return err
	}
	goTool := goCommand()
	stamp, err := fingerprint(ctx, b.root, goTool)
	if err != nil {
		return err
	}
	if b.upToDate(names, stamp) {
		b.say(fmt.Sprintf("Example plugins are up to date in %s", b.binaries()))
		return nil
	}
	b.say(fmt.Sprintf("Building %d example plugins into %s (go build ./%s/...)", len(names), b.binaries(), pluginsDir))
	if err := b.build(ctx, goTool, names); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.cacheDir, stampFile), []byte(stamp), 0o644); err != nil {
		return fmt.Errorf("build: write stamp: %w", err)
	}
	return nil
}

func (b *pluginBuild) upToDate(names []string, stamp string) bool {
	got, err := os.ReadFile(filepath.Join(b.cacheDir, stampFile))
	if err != nil || string(got) != stamp {
		return false
	}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(b.binaries(), exeName(name))); err != nil {
			return false
		}
	}
	return true
}

// build runs one `go build -o tmp/ ./examples/plugins/...` and moves each
// binary into place with a rename, so that a concurrent host never runs a
// half-written binary.
func (b *pluginBuild) build(ctx context.Context, goTool string, names []string) error {
	if err := os.MkdirAll(b.binaries(), 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	tmp, err := os.MkdirTemp(b.cacheDir, "tmp-")
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", tmp+string(filepath.Separator), "./"+pluginsDir+"/...")
	cmd.Dir = b.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build: %s: %w\n%s", strings.Join(cmd.Args, " "), err, bytes.TrimSpace(out.Bytes()))
	}
	for _, name := range names {
		if err := os.Rename(filepath.Join(tmp, exeName(name)), filepath.Join(b.binaries(), exeName(name))); err != nil {
			return fmt.Errorf("build: install %s: %w", name, err)
		}
	}
	return nil
}

// pluginNames lists the example plugins: the directories of
// examples/plugins that hold a main.go.
func pluginNames(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, pluginsDir))
	if err != nil {
		return nil, fmt.Errorf("build: list example plugins: %w", err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, pluginsDir, e.Name(), "main.go")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("build: no plugins in %s", filepath.Join(root, pluginsDir))
	}
	return names, nil
}

// listFormat makes `go list` print, for every non-standard package, its
// directory and source files, separated by listSep.
const (
	listSep    = "\x1f"
	listFormat = `{{if not .Standard}}{{.Dir}}` + listSep + `{{join .GoFiles "` + listSep + `"}}` + listSep +
		`{{join .CgoFiles "` + listSep + `"}}` + listSep + `{{join .EmbedFiles "` + listSep + `"}}{{end}}`
)

// fingerprint hashes what the plugins are built from: the go command's
// path, the module's go.mod and go.sum, and the path, size and modification
// time of every source file of every package the plugins depend on
// (outside the standard library), as `go list -deps` reports them. Editing
// a test, or a package the plugins do not use, leaves it unchanged.
func fingerprint(ctx context.Context, root, goTool string) (string, error) {
	cmd := exec.CommandContext(ctx, goTool, "list", "-deps", "-f", listFormat, "./"+pluginsDir+"/...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build: go list: %w\n%s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	files := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Split(line, listSep)
		for _, name := range fields[1:] {
			if name != "" {
				files = append(files, filepath.Join(fields[0], name))
			}
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "go %s\n", goTool)
	for _, f := range files {
		fi, err := os.Stat(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // go.sum may be absent
		}
		if err != nil {
			return "", fmt.Errorf("build: fingerprint sources: %w", err)
		}
		fmt.Fprintf(h, "%s %d %d\n", f, fi.Size(), fi.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// goCommand returns the go command of the toolchain that built the host,
// or "go" from PATH when that one is not installed.
func goCommand() string {
	if goroot := runtime.GOROOT(); goroot != "" {
		p := filepath.Join(goroot, "bin", exeName("go"))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// moduleRoot finds the muxplug module: the first directory, walking up
// from each start in turn, with a go.mod and the example plugins.
func moduleRoot(starts ...string) (string, error) {
	for _, start := range starts {
		dir, err := filepath.Abs(start)
		if err != nil {
			continue
		}
		for {
			if isModuleRoot(dir) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("build: cannot find the muxplug module (a go.mod next to examples/plugins) above the template or the current directory")
}

func isModuleRoot(dir string) bool {
	_, errMod := os.Stat(filepath.Join(dir, "go.mod"))
	fi, errPlugins := os.Stat(filepath.Join(dir, pluginsDir))
	return errMod == nil && errPlugins == nil && fi.IsDir()
}

// defaultCacheDir is $MUXPLUG_EXAMPLES_CACHE, or a directory of the user's
// cache named after the module root, so that two checkouts do not share
// binaries.
func defaultCacheDir(root string) (string, error) {
	if dir := os.Getenv(cacheEnv); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("build: no cache directory (set -cache or %s): %w", cacheEnv, err)
	}
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(base, "muxplug-examples", hex.EncodeToString(sum[:6])), nil
}

// exeName adds the executable suffix of this system to name.
func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}
