//go:build unix

package plugin

import "syscall"

// killedBySignal reports whether ee says the process was killed by
// SIGKILL.
func killedBySignal(ee *ExitError) bool { return ee.Signal == syscall.SIGKILL }
