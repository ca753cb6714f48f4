package plugin

// killedBySignal: on Windows a killed process has no signal, only the
// exit code TerminateProcess gave it.
func killedBySignal(ee *ExitError) bool { return ee.Signal == 0 }
