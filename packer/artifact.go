package packer

// Artifact is the result of a build or of a post-processor: something that
// exists somewhere (files, an image id) and can be destroyed.
type Artifact interface {
	// BuilderId names the builder that produced the artifact, so that
	// post-processors can tell which kinds they support.
	BuilderId() string

	// Files lists the local files that make up the artifact, if any.
	Files() []string

	// Id identifies the artifact to its builder (for example an image id).
	Id() string

	// String describes the artifact for a person.
	String() string

	// State returns builder-specific data by name, or nil. Across the
	// plugin boundary the value is plain data (see the package doc).
	State(name string) interface{}

	// Destroy removes the artifact.
	Destroy() error
}
