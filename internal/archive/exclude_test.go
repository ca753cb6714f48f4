package archive

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/muxplug/muxplug/internal/testtree"
)

func excludeTree() testtree.Tree {
	return testtree.Tree{
		"main.go":           testtree.File(0o644, "package main", stamp(1)),
		"debug.log":         testtree.File(0o644, "log", stamp(2)),
		"cache":             testtree.Dir(0o755, stamp(3)),
		"cache/blob":        testtree.File(0o644, "blob", stamp(4)),
		"sub":               testtree.Dir(0o755, stamp(5)),
		"sub/app.log":       testtree.File(0o644, "nested log", stamp(6)),
		"sub/keep.txt":      testtree.File(0o644, "keep", stamp(7)),
		"sub/tmp":           testtree.Dir(0o755, stamp(8)),
		"sub/tmp/x":         testtree.File(0o644, "x", stamp(9)),
		"sub/cache":         testtree.Dir(0o755, stamp(10)),
		"sub/cache/y":       testtree.File(0o644, "y", stamp(11)),
		"sub/tmpfile":       testtree.File(0o644, "not a dir named tmp", stamp(12)),
		"sub/deep":          testtree.Dir(0o755, stamp(13)),
		"sub/deep/keep.txt": testtree.File(0o644, "deep", stamp(14)),
	}
}

func TestWriteExclude(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj")
	testtree.Make(t, src, excludeTree())
	tests := []struct {
		name    string
		exclude []string
		want    []string // names of the contents stream ("proj/")
	}{
		{"none", nil, []string{"cache/", "cache/blob", "debug.log", "main.go", "sub/", "sub/app.log", "sub/cache/", "sub/cache/y", "sub/deep/", "sub/deep/keep.txt", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"file pattern by base name", []string{"*.log"}, []string{"cache/", "cache/blob", "main.go", "sub/", "sub/cache/", "sub/cache/y", "sub/deep/", "sub/deep/keep.txt", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"directory by base name, at every depth", []string{"cache"}, []string{"debug.log", "main.go", "sub/", "sub/app.log", "sub/deep/", "sub/deep/keep.txt", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"directory by relative path", []string{"sub/tmp"}, []string{"cache/", "cache/blob", "debug.log", "main.go", "sub/", "sub/app.log", "sub/cache/", "sub/cache/y", "sub/deep/", "sub/deep/keep.txt", "sub/keep.txt", "sub/tmpfile"}},
		{"path pattern with a star", []string{"sub/*.txt"}, []string{"cache/", "cache/blob", "debug.log", "main.go", "sub/", "sub/app.log", "sub/cache/", "sub/cache/y", "sub/deep/", "sub/deep/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"whole top directory", []string{"sub"}, []string{"cache/", "cache/blob", "debug.log", "main.go"}},
		{"several patterns", []string{"cache", "*.log", "sub/deep"}, []string{"main.go", "sub/", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"character class", []string{"[dm]*"}, []string{"cache/", "cache/blob", "sub/", "sub/app.log", "sub/cache/", "sub/cache/y", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
		{"pattern that matches nothing", []string{"nothing", "sub/tmp/"}, []string{"cache/", "cache/blob", "debug.log", "main.go", "sub/", "sub/app.log", "sub/cache/", "sub/cache/y", "sub/deep/", "sub/deep/keep.txt", "sub/keep.txt", "sub/tmp/", "sub/tmp/x", "sub/tmpfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := names(t, pack(t, src+"/", tt.exclude))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Write(proj/, %q) names = %q, want %q", tt.exclude, got, tt.want)
			}
			// Without the trailing slash the same paths are left out,
			// under the directory's own name.
			want := []string{"proj/"}
			for _, n := range tt.want {
				want = append(want, "proj/"+n)
			}
			got = names(t, pack(t, src, tt.exclude))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Write(proj, %q) names = %q, want %q", tt.exclude, got, want)
			}
		})
	}
}

func TestExtractExclude(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj")
	tree := excludeTree()
	testtree.Make(t, src, tree)
	stream := pack(t, src+"/", nil)
	tests := []struct {
		name    string
		exclude []string
		drop    func(string) bool
	}{
		{"base name", []string{"*.log"}, func(n string) bool { return filepath.Ext(n) == ".log" }},
		{"directory subtree", []string{"cache"}, func(n string) bool { return under("cache")(n) || under("sub/cache")(n) }},
		{"path", []string{"sub/tmp"}, under("sub/tmp")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := t.TempDir()
			if err := Extract(context.Background(), bytes.NewReader(stream), dst, tt.exclude); err != nil {
				t.Fatalf("Extract(exclude %q): %v", tt.exclude, err)
			}
			testtree.Check(t, dst, without(tree, tt.drop))
		})
	}
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		patterns []string
		rel      string
		want     bool
	}{
		{nil, "a", false},
		{[]string{"a"}, ".", false},
		{[]string{"a"}, "a", true},
		{[]string{"a"}, "x/a", true},
		{[]string{"a"}, "a/x", true},
		{[]string{"a"}, "ab", false},
		{[]string{"x/a"}, "x/a/b/c", true},
		{[]string{"x/a"}, "y/x/a", false},
		{[]string{"*"}, "anything/below", true},
		{[]string{"*.go"}, "d/e/f.go", true},
		{[]string{"d/*"}, "d/e/f.go", true},
		{[]string{"*/f.go"}, "d/e/f.go", false},
		{[]string{`\*`}, "*", true},
		{[]string{`\*`}, "x", false},
	}
	for _, tt := range tests {
		m, err := newMatcher(tt.patterns)
		if err != nil {
			t.Fatalf("newMatcher(%q): %v", tt.patterns, err)
		}
		if got := m.excluded(tt.rel); got != tt.want {
			t.Errorf("excluded(%q) with %q = %v, want %v", tt.rel, tt.patterns, got, tt.want)
		}
	}
}
