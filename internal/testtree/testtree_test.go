package testtree

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func at(i int) time.Time { return time.Unix(1_700_000_000+int64(i), int64(i)*1_000_001+9) }

func sample() Tree {
	return Tree{
		"a.txt":     File(0o640, "alpha", at(1)),
		"ro":        Dir(0o555, at(2)),
		"ro/b":      File(0o600, "", at(3)),
		"ro/up":     Link("../a.txt"),
		"deep/x/y":  File(0o644, "y", at(4)),
		"dangling":  Link("nowhere"),
		"deep":      Dir(0o700, at(5)),
		"deep/x":    Dir(0o750, time.Time{}),
		"exec.sh":   File(0o755, "#!/bin/sh\n", at(6)),
		"empty-dir": Dir(0o711, at(7)),
	}
}

func TestMakeRead(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	want := sample()
	Make(t, root, want)
	got := Read(t, root)
	if len(got) != len(want) {
		t.Errorf("Read found %d entries %v, want %d", len(got), Names(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if w.MTime.IsZero() {
			g.MTime = time.Time{}
		}
		if g != w {
			t.Errorf("%s: Read gave %v, Make was given %v", name, g, w)
		}
	}
}

// recorder keeps the errors a check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	root := t.TempDir()
	Make(t, root, sample())
	tests := []struct {
		name   string
		change func(Tree)
		want   string // the start of the one expected error; "" for none
	}{
		{"same tree", func(Tree) {}, ""},
		{"any time matches zero", func(w Tree) { w["a.txt"] = File(0o640, "alpha", time.Time{}) }, ""},
		{"time", func(w Tree) { w["a.txt"] = File(0o640, "alpha", at(9)) }, "a.txt = "},
		{"mode", func(w Tree) { w["ro"] = Dir(0o755, at(2)) }, "ro = "},
		{"contents", func(w Tree) { w["ro/b"] = File(0o600, "b", at(3)) }, "ro/b = "},
		{"target", func(w Tree) { w["ro/up"] = Link("a.txt") }, "ro/up = "},
		{"kind", func(w Tree) { w["dangling"] = File(0, "", time.Time{}) }, "dangling = "},
		{"missing", func(w Tree) { w["new"] = File(0o644, "", time.Time{}) }, "new: missing"},
		{"unexpected", func(w Tree) { delete(w, "exec.sh") }, "exec.sh: unexpected entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sample()
			tt.change(want)
			r := &recorder{TB: t}
			Check(r, root, want)
			switch {
			case tt.want == "" && len(r.errs) != 0:
				t.Errorf("Check reported %q, want nothing", r.errs)
			case tt.want != "" && (len(r.errs) != 1 || !strings.HasPrefix(r.errs[0], tt.want)):
				t.Errorf("Check reported %q, want one error starting %q", r.errs, tt.want)
			}
		})
	}
}

func TestWithoutTimes(t *testing.T) {
	tree := sample()
	out := WithoutTimes(tree)
	for name, n := range out {
		if !n.MTime.IsZero() {
			t.Errorf("%s: WithoutTimes kept time %v", name, n.MTime)
		}
		n.MTime = tree[name].MTime
		if n != tree[name] {
			t.Errorf("%s: WithoutTimes gave %v from %v", name, out[name], tree[name])
		}
	}
	if len(out) != len(tree) || tree["a.txt"].MTime.IsZero() {
		t.Errorf("WithoutTimes returned %d of %d entries or changed its argument", len(out), len(tree))
	}
}
