package packer

import "context"

// Builder creates a machine and turns it into an Artifact.
type Builder interface {
	// Prepare validates and stores the builder's configuration. The raws
	// are the configuration sources, later ones overriding earlier ones.
	// It returns warnings a person should see even on success.
	Prepare(raws ...interface{}) (warnings []string, err error)

	// Run builds the artifact, reporting through ui and running hook at
	// the points the builder defines (HookProvision at least). It returns
	// when the build is done or ctx ends. A nil Artifact with a nil error
	// means the build produced nothing.
	Run(ctx context.Context, ui Ui, hook Hook) (Artifact, error)
}

// HookProvision is the name of the hook a builder runs once its machine is
// up, to provision it.
const HookProvision = "packer_provision"

// Hook runs at named points of a build.
type Hook interface {
	// Run is called at the hook point name with a Communicator to the
	// machine being built (possibly nil) and hook-specific data.
	Run(ctx context.Context, name string, ui Ui, comm Communicator, data interface{}) error
}

// Provisioner installs and configures software on a running machine.
type Provisioner interface {
	// Prepare validates and stores the provisioner's configuration.
	Prepare(raws ...interface{}) error

	// Provision configures the machine reachable through comm.
	Provision(ctx context.Context, ui Ui, comm Communicator) error
}

// PostProcessor turns one artifact into another (compresses it, uploads it,
// imports it somewhere).
type PostProcessor interface {
	// Configure validates and stores the post-processor's configuration.
	Configure(raws ...interface{}) error

	// PostProcess takes artifact and returns the result. keep reports
	// whether the input artifact should be kept; returning the input
	// artifact itself is allowed.
	PostProcess(ctx context.Context, ui Ui, artifact Artifact) (result Artifact, keep bool, err error)
}

// Command is a subcommand of the host's command line.
type Command interface {
	// Help is the long help text.
	Help() string

	// Synopsis is a one-line description.
	Synopsis() string

	// Run runs the command with its arguments and returns its exit code.
	Run(ctx context.Context, env Environment, args []string) int
}

// Environment is what the host lends a Command: its Ui, its Cache and the
// components it knows by name. A component it returns stays usable for as
// long as the Command's Run lasts.
type Environment interface {
	Ui() Ui
	Cache() Cache
	Builder(name string) (Builder, error)
	Hook(name string) (Hook, error)
	Provisioner(name string) (Provisioner, error)
	PostProcessor(name string) (PostProcessor, error)
}

// Cache hands out paths under a shared cache directory, with locks so that
// concurrent builds do not trample each other's files. Every method is safe
// for concurrent use.
type Cache interface {
	// Lock takes the exclusive lock for key, blocking until it is free,
	// and returns the path for key.
	Lock(key string) string

	// Unlock releases the exclusive lock for key.
	Unlock(key string)

	// RLock takes a shared lock for key and returns its path and whether
	// something exists there.
	RLock(key string) (string, bool)

	// RUnlock releases a shared lock for key.
	RUnlock(key string)
}
