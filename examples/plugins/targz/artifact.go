package main

import (
	"errors"
	"fmt"
	"os"
)

// Artifact is an archive and its checksum file, written by PostProcessor.
// Its methods only read its fields, so it is safe for concurrent use.
type Artifact struct {
	Archive string // absolute path of the .tar.gz
	SumFile string // absolute path of the checksum file
	SHA256  string // the archive's checksum in hex
}

// BuilderId returns BuilderID.
func (a *Artifact) BuilderId() string { return BuilderID }

// Files returns the archive and the checksum file.
func (a *Artifact) Files() []string { return []string{a.Archive, a.SumFile} }

// Id returns the archive's SHA-256 in hex.
func (a *Artifact) Id() string { return a.SHA256 }

// String names the archive and its checksum.
func (a *Artifact) String() string { return fmt.Sprintf("%s (sha256 %s)", a.Archive, a.SHA256) }

// State knows "sha256" (the checksum, a string) and "archive" (its path).
func (a *Artifact) State(name string) interface{} {
	switch name {
	case "sha256":
		return a.SHA256
	case "archive":
		return a.Archive
	}
	return nil
}

// Destroy removes the archive and the checksum file.
func (a *Artifact) Destroy() error {
	var errs []error
	for _, f := range a.Files() {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("targz: destroy artifact: %w", err)
	}
	return nil
}
