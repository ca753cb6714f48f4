//go:build !windows

package plugin

import "syscall"

// killPid kills the process pid, if it still runs.
func killPid(pid int) { syscall.Kill(pid, syscall.SIGKILL) }
