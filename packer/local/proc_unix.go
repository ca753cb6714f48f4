//go:build unix

package local

import (
	"errors"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
)

// setProcessGroup puts cmd in a process group of its own and makes ending
// its ctx kill the whole group, recording in killed that it did.
func setProcessGroup(cmd *exec.Cmd, killed *atomic.Bool) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		if err == nil {
			killed.Store(true)
		}
		return err
	}
}

// exitStatus returns the exit status of a process, or 128 plus the signal
// number for a process killed by a signal.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
