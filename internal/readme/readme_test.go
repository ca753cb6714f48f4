// Package readme holds the tests of the repository's README.md: that its Go
// code is the code of real files, and that every command it shows works as
// written (see TestCommands).
package readme

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFiles checks that every Go block of the README is a whole file of
// the repository, as it is there, named by the block's file marker.
func TestFiles(t *testing.T) {
	root := repoRoot(t)
	blocks, _ := parse(readREADME(t))
	shown := make(map[string]bool)
	for _, b := range blocks {
		if b.lang != "go" {
			continue
		}
		if b.file == "" {
			t.Errorf("README.md:%d: a Go block without a %q...%q marker on the line before: which file is it?", b.line, fileMarker, " -->")
			continue
		}
		shown[b.file] = true
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.file)))
		if err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
			continue
		}
		if got := string(data); got != b.text {
			t.Errorf("README.md:%d shows %s differently from the file; %s", b.line, b.file, firstDifference(b.text, got))
		}
	}
	for _, f := range []string{"examples/hello/plugin/main.go", "examples/hello/host/main.go"} {
		if !shown[f] {
			t.Errorf("the README does not show %s", f)
		}
	}
}

// firstDifference describes the first line where the README's text and the
// file's differ.
func firstDifference(readme, file string) string {
	a, b := strings.Split(readme, "\n"), strings.Split(file, "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		var la, lb string
		if i < len(a) {
			la = a[i]
		}
		if i < len(b) {
			lb = b[i]
		}
		if la != lb {
			return fmt.Sprintf("line %d of the block is %q, of the file %q", i+1, la, lb)
		}
	}
	return "they differ"
}

// suiteCommands are the README's commands that run this very test suite:
// running them from here would recurse, so TestSuiteCommands checks that
// .ci/run runs them instead.
var suiteCommands = map[string]bool{
	"go test ./...": true, "go test -race ./...": true, ".ci/run": true, "bash .ci/run": true,
}

// command returns a line of a shell block without its comment and blanks.
func command(line string) string {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

// TestSuiteCommands checks that the README's commands that run the test
// suite are the ones CI runs: .ci/run exists, is executable, and runs each
// go test command of them on a line of its own.
func TestSuiteCommands(t *testing.T) {
	root := repoRoot(t)
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(root, ".ci", "run")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf(".ci/run is not executable: %v", err)
	}
	lines := make(map[string]bool)
	for _, l := range strings.Split(string(ci), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	blocks, spans := parse(readREADME(t))
	var cmds []string
	for _, b := range blocks {
		if b.lang == "sh" {
			for _, l := range strings.Split(b.text, "\n") {
				cmds = append(cmds, command(l))
			}
		}
	}
	for _, s := range spans {
		cmds = append(cmds, s.text)
	}
	found := 0
	for _, c := range cmds {
		if suiteCommands[c] {
			found++
			if strings.HasPrefix(c, "go ") && !lines[c] {
				t.Errorf("the README shows %q, which .ci/run does not run as written", c)
			}
		}
	}
	if found == 0 {
		t.Error("the README shows no command that runs the tests")
	}
}
