package main

import (
	"fmt"
	"os"
)

// Artifact is a directory of files built by Builder. Its fields are set by
// the builder; the methods only read them, so an Artifact is safe for
// concurrent use.
type Artifact struct {
	Dir   string   // absolute path of the directory
	Paths []string // absolute paths of its regular files, sorted
}

// BuilderId returns BuilderID.
func (a *Artifact) BuilderId() string { return BuilderID }

// Files returns the absolute paths of the artifact's files.
func (a *Artifact) Files() []string { return append([]string(nil), a.Paths...) }

// Id returns the directory.
func (a *Artifact) Id() string { return a.Dir }

// String describes the directory and its file count.
func (a *Artifact) String() string {
	return fmt.Sprintf("directory %s (%d files)", a.Dir, len(a.Paths))
}

// State knows "dir" (the directory, a string) and "file_count" (an int).
func (a *Artifact) State(name string) interface{} {
	switch name {
	case "dir":
		return a.Dir
	case "file_count":
		return len(a.Paths)
	}
	return nil
}

// Destroy removes the directory and everything in it.
func (a *Artifact) Destroy() error {
	if err := os.RemoveAll(a.Dir); err != nil {
		return fmt.Errorf("files: destroy artifact: %w", err)
	}
	return nil
}
