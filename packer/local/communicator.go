package local

import (
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/muxplug/muxplug/packer"
)

var _ packer.Communicator = (*Communicator)(nil)

// DefaultShell is the shell that runs commands when Communicator.Shell is
// empty.
const DefaultShell = "/bin/sh"

// DefaultWaitDelay is the WaitDelay used when Communicator.WaitDelay is
// zero.
const DefaultWaitDelay = 5 * time.Second

// Communicator is a packer.Communicator for this machine. Set its fields
// before first use and do not change them afterwards; the zero value runs
// commands with /bin/sh in the process's working directory. Its methods are
// safe for concurrent use: each call is independent of the others.
type Communicator struct {
	// Dir is the working directory of commands and the directory relative
	// machine-side paths are resolved against. Empty means the process's
	// working directory.
	Dir string

	// Shell runs each command as Shell -c Command. Empty means DefaultShell.
	Shell string

	// WaitDelay bounds how long, once a command has exited or its ctx has
	// ended, Start's waiter keeps copying output that a background process
	// holds open (see exec.Cmd.WaitDelay). Zero means DefaultWaitDelay.
	WaitDelay time.Duration

	// Logger receives debug records about commands and transfers. Nil means
	// slog.Default().
	Logger *slog.Logger
}

func (c *Communicator) shell() string {
	if c.Shell == "" {
		return DefaultShell
	}
	return c.Shell
}

func (c *Communicator) waitDelay() time.Duration {
	if c.WaitDelay <= 0 {
		return DefaultWaitDelay
	}
	return c.WaitDelay
}

func (c *Communicator) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// machinePath resolves a machine-side path against Dir, keeping a trailing
// slash (which matters to UploadDir and DownloadDir).
func (c *Communicator) machinePath(p string) string {
	if filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	joined := filepath.Join(c.Dir, p)
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) {
		joined += string(filepath.Separator)
	}
	return joined
}
