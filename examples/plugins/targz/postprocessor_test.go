package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer/packertest"
)

// writeTree creates files (slash-separated name -> content) under a new
// temporary directory and returns it and the files' absolute paths.
func writeTree(tb testing.TB, files map[string]string) (string, []string) {
	tb.Helper()
	dir := tb.TempDir()
	var paths []string
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	return dir, paths
}

// readTarGz returns the regular files of the archive at path.
func readTarGz(tb testing.TB, path string) map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("gzip %s: %v", path, err)
	}
	got := make(map[string]string)
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			tb.Fatalf("tar %s: %v", path, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			tb.Fatal(err)
		}
		got[hdr.Name] = string(data)
	}
}

func TestPostProcess(t *testing.T) {
	files := map[string]string{"a.txt": "alpha\n", "sub/b.txt": "beta\n", "sub/deep/c": ""}
	tests := []struct {
		name  string
		state map[string]interface{}
	}{
		{name: "dir state", state: map[string]interface{}{"dir": "set below"}},
		{name: "common parent", state: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, paths := writeTree(t, files)
			if tt.state != nil {
				tt.state["dir"] = dir
			}
			out := filepath.Join(t.TempDir(), "site.tar.gz")
			var p PostProcessor
			if err := p.Configure(map[string]interface{}{"output": out, "level": int64(9)}); err != nil {
				t.Fatal(err)
			}
			ui := new(packertest.Ui)
			in := &packertest.Artifact{IdValue: "in", FilesValue: paths, StateValues: tt.state}
			art, keep, err := p.PostProcess(context.Background(), ui, in)
			if err != nil {
				t.Fatalf("PostProcess: %v\nui:\n%s", err, ui)
			}
			if !keep {
				t.Error("keep = false, want true")
			}
			if got := readTarGz(t, out); !reflect.DeepEqual(got, files) {
				t.Errorf("archive holds %v, want %v", got, files)
			}
			checkSum(t, out, art.Id())
			if want := []string{out, out + ".sha256"}; !reflect.DeepEqual(art.Files(), want) {
				t.Errorf("Files() = %v, want %v", art.Files(), want)
			}
			if err := art.Destroy(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("after Destroy, stat %s: %v, want not exist", out, err)
			}
		})
	}
}

// checkSum asserts that the checksum file of archive matches it and id.
func checkSum(tb testing.TB, archive, id string) {
	tb.Helper()
	data, err := os.ReadFile(archive)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	line, err := os.ReadFile(archive + ".sha256")
	if err != nil {
		tb.Fatal(err)
	}
	if got, wantLine := string(line), want+"  "+filepath.Base(archive)+"\n"; got != wantLine {
		tb.Errorf("checksum file = %q, want %q", got, wantLine)
	}
	if id != want {
		tb.Errorf("artifact Id = %q, want the sha256 %q", id, want)
	}
}

func TestConfigureErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]interface{}
		want string
	}{
		{"no output", map[string]interface{}{}, "output is required"},
		{"level too high", map[string]interface{}{"output": "x.tar.gz", "level": 10}, "level is 10"},
		{"unknown key", map[string]interface{}{"output": "x.tar.gz", "compress": true}, `unknown field "compress"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p PostProcessor
			err := p.Configure(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Configure(%v) = %v, want an error containing %q", tt.raw, err, tt.want)
			}
		})
	}
}

func TestPostProcessFailures(t *testing.T) {
	t.Run("no files", func(t *testing.T) {
		var p PostProcessor
		if err := p.Configure(map[string]interface{}{"output": filepath.Join(t.TempDir(), "x.tar.gz")}); err != nil {
			t.Fatal(err)
		}
		_, _, err := p.PostProcess(context.Background(), new(packertest.Ui), &packertest.Artifact{IdValue: "empty"})
		if err == nil || !strings.Contains(err.Error(), "no files") {
			t.Errorf("PostProcess(no files) = %v, want a \"no files\" error", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		_, paths := writeTree(t, map[string]string{"a": "a"})
		out := filepath.Join(t.TempDir(), "x.tar.gz")
		var p PostProcessor
		if err := p.Configure(map[string]interface{}{"output": out}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := p.PostProcess(ctx, new(packertest.Ui), &packertest.Artifact{FilesValue: paths})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("PostProcess(cancelled ctx) = %v, want context.Canceled", err)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("a cancelled PostProcess left %v behind", entries)
		}
	})
}

// TestArchiveIsReproducible packs the same files twice, from trees whose
// files differ in modification time and mode and are listed in different
// orders, and wants the same bytes: entries sorted by name, with fixed
// times, owners and modes. The archive itself is 0644.
func TestArchiveIsReproducible(t *testing.T) {
	files := map[string]string{"b.txt": "beta\n", "a.txt": "alpha\n", "sub/c": "gamma\n"}
	out1, first := packTree(t, files, time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC), 0o600, false)
	_, second := packTree(t, files, time.Now(), 0o755, true)
	if !bytes.Equal(first, second) {
		t.Errorf("two archives of the same files differ (%d and %d bytes)", len(first), len(second))
	}
	if fi, err := os.Stat(out1); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("archive mode = %v, %v; want 0644", fi.Mode().Perm(), err)
	}
	checkEntries(t, first, []string{"a.txt", "b.txt", "sub/c"})
}

// packTree writes files into a new tree, gives every file mtime and mode,
// post-processes an artifact listing them (sorted, or in reverse), and
// returns the archive's path and bytes.
func packTree(tb testing.TB, files map[string]string, mtime time.Time, mode os.FileMode, reverse bool) (string, []byte) {
	tb.Helper()
	dir, paths := writeTree(tb, files)
	sort.Strings(paths)
	if reverse {
		slices.Reverse(paths)
	}
	for _, p := range paths {
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			tb.Fatal(err)
		}
	}
	out := filepath.Join(tb.TempDir(), "x.tar.gz")
	var p PostProcessor
	if err := p.Configure(map[string]interface{}{"output": out}); err != nil {
		tb.Fatal(err)
	}
	art := &packertest.Artifact{FilesValue: paths, StateValues: map[string]interface{}{"dir": dir}}
	if _, _, err := p.PostProcess(context.Background(), new(packertest.Ui), art); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return out, data
}

// checkEntries asserts that the tar.gz data holds the entries names, in
// that order, each mode 0644, owned by 0:0 without names, at the epoch.
func checkEntries(tb testing.TB, data []byte, names []string) {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var got []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		got = append(got, hdr.Name)
		if hdr.Mode != 0o644 || hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" || !hdr.ModTime.Equal(time.Unix(0, 0)) {
			tb.Errorf("entry %s: mode %o, owner %d:%d (%q:%q), time %v; want 0644, 0:0, no names, the Unix epoch",
				hdr.Name, hdr.Mode, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname, hdr.ModTime)
		}
	}
	if !slices.Equal(got, names) {
		tb.Errorf("entries %q, want %q", got, names)
	}
}
