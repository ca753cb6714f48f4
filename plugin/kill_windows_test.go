package plugin

import "os"

// killPid kills the process pid, if it still runs.
func killPid(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}
