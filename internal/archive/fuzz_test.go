package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

// FuzzExtract feeds arbitrary bytes to Extract and checks, whatever it
// returns, that nothing appeared outside the destination, that every link
// inside resolves inside it, that no temporary file is left, and that no
// more file bytes were written than the stream held.
func FuzzExtract(f *testing.F) {
	src := filepath.Join(f.TempDir(), "seed")
	testtree.Make(f, src, testtree.Tree{
		"a":       testtree.File(0o644, "alpha", stamp(1)),
		"d":       testtree.Dir(0o750, stamp(2)),
		"d/b":     testtree.File(0o600, "", stamp(3)),
		"d/l":     testtree.Link("../a"),
		"skipped": testtree.File(0o644, "excluded by the fuzz target", stamp(4)),
	})
	f.Add(pack(f, src+"/", nil))
	f.Add(pack(f, src, nil))
	f.Add(tarOf(f, reg("../escape", "x")))
	f.Add(tarOf(f, reg("/abs", "x")))
	f.Add(tarOf(f, sym("l", ".."), reg("l/x", "x")))
	f.Add(tarOf(f, dirEnt("s/"), sym("l", "s"), reg("l/x", "x")))
	f.Add(tarOf(f, dirEnt("a/"), sym("a/b", ".."), sym("c", "a/b/../..")))
	f.Add(tarOf(f, ent{name: "h", flag: tar.TypeLink, link: "a"}))
	f.Add(tarOf(f, reg("f", "x"), dirEnt("f/"), reg("f/g", "y")))
	f.Add(sparseStream())
	f.Add(streamOf("c", tar.TypeChar, ""))
	f.Add(rawHeader("cut", tar.TypeReg, 1000))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent, err := filepath.EvalSymlinks(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(parent, "dst")
		t.Cleanup(func() { testtree.MakeWritable(dst) })
		Extract(context.Background(), bytes.NewReader(data), dst, []string{"skip*"})
		checkFuzzResult(t, parent, dst, len(data))
	})
}

func checkFuzzResult(t *testing.T, parent, dst string, streamLen int) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "dst" {
			t.Errorf("%s written outside dst", e.Name())
		}
	}
	testtree.MakeWritable(dst)
	var written int64
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".archive-") || strings.HasPrefix(d.Name(), "skip") {
			t.Errorf("%s: temporary or excluded file left", p)
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		switch {
		case fi.Mode().IsRegular():
			written += fi.Size()
		case fi.Mode().Type() == fs.ModeSymlink:
			if linkEscapes(dst, p) {
				target, _ := os.Readlink(p)
				t.Errorf("link %s -> %q leads outside dst", p, target)
			}
		}
		return nil
	})
	if written > int64(streamLen) {
		t.Errorf("%d file bytes written from a %d-byte stream", written, streamLen)
	}
}

// linkEscapes reports whether the link at p leads outside dst: through the
// file system when its target exists, lexically from its directory when
// it dangles.
func linkEscapes(dst, p string) bool {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return !within(dst, real)
	}
	target, err := os.Readlink(p)
	if err != nil {
		return true
	}
	return filepath.IsAbs(target) || !within(dst, filepath.Join(filepath.Dir(p), target))
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
