// Command notify is a hook plugin: it reports every hook point a build
// reaches, appends a line for each to a log file, and can leave a marker
// file on the machine being provisioned.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. A hook has no configuration method, so notify takes its settings
// as command-line flags, which a host passes when it launches it:
//
//	notify [-log hooks.log] [-marker .provisioned]
//
// -log appends one JSON line per hook run to a file (relative to the
// plugin's working directory); -marker uploads a small file to that path on
// the machine at the provision hook.
package main

import (
	"flag"
	"os"

	"github.com/muxplug/muxplug/plugin"
)

func main() {
	h := new(Hook)
	flags := flag.NewFlagSet("notify", flag.ExitOnError)
	flags.StringVar(&h.Log, "log", "", "append one JSON line per hook run to `file`")
	flags.StringVar(&h.Marker, "marker", "", "upload a marker file to `path` at the provision hook")
	flags.Parse(os.Args[1:])
	plugin.ServeHook(h)
}
