package testtree

import (
	"fmt"
	"io/fs"
	"sort"
	"time"
)

// Kind says what a [Node] is.
type Kind byte

// The kinds of Node. [Read] reports any other file (named pipe, socket,
// device) as KindOther.
const (
	KindDir   Kind = 'd'
	KindFile  Kind = 'f'
	KindLink  Kind = 'l'
	KindOther Kind = '?'
)

// Node describes one file system entry of a test tree. The zero value is not
// a useful entry; make nodes with [Dir], [File] and [Link].
type Node struct {
	Kind   Kind
	Mode   fs.FileMode // permission bits; always 0 for links
	Data   string      // file contents
	Target string      // link target
	MTime  time.Time   // zero: not set by Make, not compared by Check; always zero for links
}

// String formats n compactly for test failure messages.
func (n Node) String() string {
	return fmt.Sprintf("{%c %v %q %q %v}", n.Kind, n.Mode, n.Data, n.Target, n.MTime)
}

// Dir returns a directory with permission bits mode and modification time
// mtime (zero: left as made, and not compared).
func Dir(mode fs.FileMode, mtime time.Time) Node {
	return Node{Kind: KindDir, Mode: mode, MTime: mtime}
}

// File returns a regular file holding data, with permission bits mode and
// modification time mtime (zero: left as made, and not compared).
func File(mode fs.FileMode, data string, mtime time.Time) Node {
	return Node{Kind: KindFile, Mode: mode, Data: data, MTime: mtime}
}

// Link returns a symbolic link to target.
func Link(target string) Node { return Node{Kind: KindLink, Target: target} }

// Tree maps slash-separated names relative to a root directory to the
// entries there. The root itself is not part of the tree.
type Tree map[string]Node

// Names returns the names of tree in sorted order, so a parent directory
// comes before what it holds.
func Names(tree Tree) []string {
	names := make([]string, 0, len(tree))
	for name := range tree {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// WithoutTimes returns a copy of tree with every modification time zero, for
// comparing trees whose times a test does not check.
func WithoutTimes(tree Tree) Tree {
	out := make(Tree, len(tree))
	for name, n := range tree {
		n.MTime = time.Time{}
		out[name] = n
	}
	return out
}
