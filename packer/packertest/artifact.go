package packertest

import (
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Artifact is a packer.Artifact whose methods return its exported fields.
// It records how many times it was destroyed.
//
// The zero value is an artifact with empty fields. An Artifact is safe for
// concurrent use; it must not be copied after first use.
type Artifact struct {
	BuilderIdValue string                 // returned by BuilderId
	FilesValue     []string               // returned (copied) by Files
	IdValue        string                 // returned by Id
	StringValue    string                 // returned by String
	StateValues    map[string]interface{} // looked up by State
	DestroyErr     error                  // returned by Destroy

	mu        sync.Mutex // guards destroyed
	destroyed int
}

var _ packer.Artifact = (*Artifact)(nil)

// BuilderId returns a.BuilderIdValue.
func (a *Artifact) BuilderId() string { return a.BuilderIdValue }

// Files returns a copy of a.FilesValue.
func (a *Artifact) Files() []string { return cloneStrings(a.FilesValue) }

// Id returns a.IdValue.
func (a *Artifact) Id() string { return a.IdValue }

// String returns a.StringValue.
func (a *Artifact) String() string { return a.StringValue }

// State returns a.StateValues[name], or nil if there is no such value.
func (a *Artifact) State(name string) interface{} { return a.StateValues[name] }

// Destroy records the call and returns a.DestroyErr.
func (a *Artifact) Destroy() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.destroyed++
	return a.DestroyErr
}

// DestroyCalls returns how many times Destroy was called.
func (a *Artifact) DestroyCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.destroyed
}

// snapshotArtifact returns an Artifact holding what a reports from
// BuilderId, Files, Id and String, or nil if a is nil.
func snapshotArtifact(a packer.Artifact) *Artifact {
	if a == nil {
		return nil
	}
	return &Artifact{
		BuilderIdValue: a.BuilderId(),
		FilesValue:     a.Files(),
		IdValue:        a.Id(),
		StringValue:    a.String(),
	}
}
