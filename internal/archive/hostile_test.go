package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

// sandbox is a parent directory holding the destination and a directory
// outside it that hostile streams aim at.
type sandbox struct {
	parent, dst, outside string
}

func newSandbox(tb testing.TB) sandbox {
	tb.Helper()
	parent := t0(tb)
	s := sandbox{parent: parent, dst: filepath.Join(parent, "dst"), outside: filepath.Join(parent, "outside")}
	testtree.Make(tb, s.outside, testtree.Tree{
		"victim":   testtree.File(0o644, "original", stamp(1)),
		"vdir":     testtree.Dir(0o755, stamp(2)),
		"vdir/old": testtree.File(0o644, "old", stamp(3)),
	})
	return s
}

func t0(tb testing.TB) string {
	tb.Helper()
	// EvalSymlinks: link checks compare real paths.
	p, err := filepath.EvalSymlinks(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// checkOutside fails if anything outside dst changed.
func (s sandbox) checkOutside(tb testing.TB) {
	tb.Helper()
	entries, err := os.ReadDir(s.parent)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "dst" && e.Name() != "outside" {
			tb.Errorf("%s appeared next to dst", e.Name())
		}
	}
	testtree.Check(tb, s.outside, testtree.Tree{
		"victim":   testtree.File(0o644, "original", stamp(1)),
		"vdir":     testtree.Dir(0o755, stamp(2)),
		"vdir/old": testtree.File(0o644, "old", stamp(3)),
	})
}

func TestExtractHostile(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s sandbox) error // prepares dst, may be nil
		ents  func(s sandbox) []ent
		want  error
	}{
		{"dot-dot name", nil, func(sandbox) []ent { return []ent{reg("../outside/victim", "pwned")} }, ErrUnsafePath},
		{"dot-dot deep in name", nil, func(sandbox) []ent { return []ent{reg("a/b/../../../outside/victim", "pwned")} }, ErrUnsafePath},
		{"dot-dot that stays inside", nil, func(sandbox) []ent { return []ent{reg("a/../b", "x")} }, ErrUnsafePath},
		{"absolute name", nil, func(s sandbox) []ent { return []ent{reg(filepath.Join(s.outside, "victim"), "pwned")} }, ErrUnsafePath},
		{"absolute directory", nil, func(s sandbox) []ent { return []ent{dirEnt(filepath.Join(s.outside, "new") + "/")} }, ErrUnsafePath},
		{"link to absolute path, then file through it", nil, func(s sandbox) []ent {
			return []ent{sym("l", s.outside), reg("l/victim", "pwned")}
		}, ErrUnsafePath},
		{"link climbing out, then file through it", nil, func(sandbox) []ent {
			return []ent{sym("l", "../outside"), reg("l/victim", "pwned")}
		}, ErrUnsafePath},
		{"nested link climbing out", nil, func(sandbox) []ent {
			return []ent{dirEnt("a/"), sym("a/l", "../../outside"), reg("a/l/victim", "pwned")}
		}, ErrUnsafePath},
		{"link with dot-dot after a name", nil, func(sandbox) []ent {
			return []ent{dirEnt("a/"), sym("a/b", ".."), sym("c", "a/b/../outside"), reg("c/victim", "pwned")}
		}, ErrUnsafePath},
		{"empty link target", nil, func(sandbox) []ent { return []ent{sym("l", "")} }, ErrUnsafePath},
		{"file through a link inside dst", nil, func(sandbox) []ent {
			return []ent{dirEnt("sub/"), sym("l", "sub"), reg("l/f", "x")}
		}, ErrUnsafePath},
		{"file through a link already in dst", func(s sandbox) error {
			return os.Symlink(s.outside, filepath.Join(s.dst, "pre"))
		}, func(sandbox) []ent { return []ent{reg("pre/victim", "pwned")} }, ErrUnsafePath},
		{"directory through a link already in dst", func(s sandbox) error {
			return os.Symlink(s.outside, filepath.Join(s.dst, "pre"))
		}, func(sandbox) []ent { return []ent{dirEnt("pre/newdir/")} }, ErrUnsafePath},
		{"hard link out", nil, func(sandbox) []ent {
			return []ent{{name: "h", flag: tar.TypeLink, link: "../outside/victim"}, reg("h", "pwned")}
		}, ErrUnsupported},
		{"hard link inside", nil, func(sandbox) []ent {
			return []ent{reg("a", "a"), {name: "h", flag: tar.TypeLink, link: "a"}}
		}, ErrUnsupported},
		{"character device", nil, func(sandbox) []ent { return []ent{{name: "null", flag: tar.TypeChar}} }, ErrUnsupported},
		{"block device", nil, func(sandbox) []ent { return []ent{{name: "sda", flag: tar.TypeBlock}} }, ErrUnsupported},
		{"named pipe", nil, func(sandbox) []ent { return []ent{{name: "fifo", flag: tar.TypeFifo}} }, ErrUnsupported},
		{"file over a directory", nil, func(sandbox) []ent { return []ent{dirEnt("d/"), reg("d", "x")} }, fs.ErrExist},
		{"link over a directory", nil, func(sandbox) []ent { return []ent{dirEnt("d/"), sym("d", "x")} }, fs.ErrExist},
		{"directory over a file", nil, func(sandbox) []ent { return []ent{reg("f", "x"), dirEnt("f/")} }, ErrNotDir},
		{"file under a file", nil, func(sandbox) []ent { return []ent{reg("f", "x"), reg("f/g", "x")} }, ErrNotDir},
		{"file named dot", nil, func(sandbox) []ent { return []ent{reg(".", "x")} }, ErrUnsafePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			if err := os.MkdirAll(s.dst, 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				if err := tt.setup(s); err != nil {
					t.Fatal(err)
				}
			}
			ents := tt.ents(s)
			err := Extract(context.Background(), bytes.NewReader(tarOf(t, ents...)), s.dst, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract(%+v) = %v, want %v", ents, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "archive: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			s.checkOutside(t)
			checkNoTemp(t, s.dst)
		})
	}
}

// checkNoTemp fails if a temporary file of Extract is left in root.
func checkNoTemp(tb testing.TB, root string) {
	tb.Helper()
	for name := range testtree.Read(tb, root) {
		if strings.HasPrefix(filepath.Base(name), ".archive-") {
			tb.Errorf("temporary file %s left behind", name)
		}
	}
}

func TestExtractSafeCases(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s sandbox) error
		ents  []ent
		want  testtree.Tree
	}{
		{"link climbing back in", nil,
			[]ent{dirEnt("a/"), dirEnt("a/b/"), reg("top", "t"), sym("a/b/l", "../../top"), sym("a/up", "..")},
			testtree.Tree{"a": testtree.Dir(0o755, stamp(0)), "a/b": testtree.Dir(0o755, stamp(0)), "top": testtree.File(0o644, "t", stamp(0)),
				"a/b/l": testtree.Link("../../top"), "a/up": testtree.Link("..")}},
		{"link replaced by file", func(s sandbox) error {
			return os.Symlink(filepath.Join(s.outside, "victim"), filepath.Join(s.dst, "pre"))
		}, []ent{reg("pre", "new")}, testtree.Tree{"pre": testtree.File(0o644, "new", stamp(0))}},
		{"hard link replaced by file", func(s sandbox) error {
			return os.Link(filepath.Join(s.outside, "victim"), filepath.Join(s.dst, "hl"))
		}, []ent{reg("hl", "new")}, testtree.Tree{"hl": testtree.File(0o644, "new", stamp(0))}},
		{"file replaced by link", nil, []ent{reg("f", "x"), sym("f", "g")}, testtree.Tree{"f": testtree.Link("g")}},
		{"root entry ignored", nil, []ent{dirEnt("./"), reg("./f", "x")}, testtree.Tree{"f": testtree.File(0o644, "x", stamp(0))}},
		{"implicit parents", nil, []ent{reg("p/q/r", "x")},
			testtree.Tree{"p": testtree.Dir(0o755, stamp(0)), "p/q": testtree.Dir(0o755, stamp(0)), "p/q/r": testtree.File(0o644, "x", stamp(0))}},
		{"global header skipped", nil, []ent{{name: "pax_global_header", flag: tar.TypeXGlobalHeader}, reg("f", "x")},
			testtree.Tree{"f": testtree.File(0o644, "x", stamp(0))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			if err := os.MkdirAll(s.dst, 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				if err := tt.setup(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := Extract(context.Background(), bytes.NewReader(tarOf(t, tt.ents...)), s.dst, nil); err != nil {
				t.Fatalf("Extract(%+v): %v", tt.ents, err)
			}
			testtree.Check(t, s.dst, testtree.WithoutTimes(tt.want))
			s.checkOutside(t)
		})
	}
}

func TestExtractRawStreams(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"sparse file", sparseStream(), ErrUnsupported},
		{"contiguous file", streamOf("c", tar.TypeCont, "x"), ErrUnsupported},
		{"unknown type", streamOf("u", 'Z', ""), ErrUnsupported},
		{"truncated contents", append(rawHeader("big", tar.TypeReg, 4096), padded("only this")...), io.ErrUnexpectedEOF},
		{"truncated header", rawHeader("f", tar.TypeReg, 0)[:300], io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := Extract(context.Background(), bytes.NewReader(tt.stream), s.dst, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Extract(%s) = %v, want %v", tt.name, err, tt.want)
			}
			s.checkOutside(t)
			checkNoTemp(t, s.dst)
			for name, n := range testtree.Read(t, s.dst) {
				if n.Kind == testtree.KindFile && len(n.Data) > 100 {
					t.Errorf("%s: %d bytes written from a %d-byte stream", name, len(n.Data), len(tt.stream))
				}
			}
		})
	}
}
