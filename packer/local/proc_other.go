//go:build !unix

package local

import (
	"os"
	"os/exec"
	"sync/atomic"
)

// setProcessGroup makes ending cmd's ctx kill its process (process groups
// are a Unix notion), recording in killed that it did.
func setProcessGroup(cmd *exec.Cmd, killed *atomic.Bool) {
	cmd.Cancel = func() error {
		err := cmd.Process.Kill()
		if err == nil {
			killed.Store(true)
		}
		return err
	}
}

// exitStatus returns the exit status of a process.
func exitStatus(ps *os.ProcessState) int {
	return ps.ExitCode()
}
