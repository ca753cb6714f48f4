package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/muxplug/muxplug/packer/termui"
)

// options are the host's command-line settings.
type options struct {
	template string   // the template file
	args     []string // the command plugin's arguments
	out      string   // overrides the template's output_dir
	cache    string   // the plugin build cache
	command  string   // run this command plugin instead of the template's builds
	pidFile  string   // record plugin pids here
	grace    time.Duration
	progress string // "auto", "bar" or "lines"
	machine  bool   // machine-readable output
	verbose  bool
}

const usage = `Usage: host [flags] TEMPLATE
       host [flags] -command NAME TEMPLATE [ARGS...]

Runs the build that TEMPLATE (a JSON file, see examples/demo.json) describes:
each builder, with the hooks and then the provisioners running inside the
builder's provision hook, then the post-processors. Every component runs in
its own plugin process. The example plugins are built on first use (and
whenever the module's sources change) into a cache directory.

With -command, runs the command plugin NAME instead, with ARGS, lending it
the template's components by name; for example:

  host -command build examples/demo.json -hook notify -provisioner shell -post-processor targz files

Without ARGS, the command gets the arguments the template's "commands"
entry lists for NAME, so that this runs the demo's build through the
command plugin:

  host -command build examples/demo.json

Ctrl-C cancels the build; the plugins get -grace to stop before they are
killed. Exit status: 0 success, 1 failure, 2 bad usage, 130 interrupted
(for -command, the command's own status otherwise).

Flags:
`

// progressMode is the termui progress mode -progress selects.
func (o *options) progressMode() termui.Progress {
	switch o.progress {
	case "bar":
		return termui.ProgressBar
	case "lines":
		return termui.ProgressLines
	}
	return termui.ProgressAuto
}

// parseOptions parses the command line. Usage errors and -help are
// reported to w; the error is flag.ErrHelp for -help.
func parseOptions(args []string, w io.Writer) (*options, error) {
	var o options
	fs := flag.NewFlagSet("host", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprint(w, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.out, "out", "", "output `dir` (default: the template's output_dir, relative to the template)")
	fs.StringVar(&o.cache, "cache", "", "plugin build cache `dir` (default: $"+cacheEnv+", else muxplug-examples/ in the user cache dir)")
	fs.StringVar(&o.command, "command", "", "run the command plugin `name` (an example plugin, or a path)")
	fs.StringVar(&o.pidFile, "pidfile", "", "append \"name pid\" for every plugin started to `file`")
	fs.DurationVar(&o.grace, "grace", 10*time.Second, "after Ctrl-C, how long plugins get to stop before they are killed")
	fs.StringVar(&o.progress, "progress", "auto", "transfer progress `mode`: bar, lines, or auto (bar on a terminal)")
	fs.BoolVar(&o.machine, "machine-readable", false, "print Packer's machine-readable lines (timestamp,target,type,data...) instead")
	fs.BoolVar(&o.verbose, "v", false, "also show the plugins' own output (stderr) and logs")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return nil, errors.New("host: missing TEMPLATE")
	}
	o.template, o.args = fs.Arg(0), fs.Args()[1:]
	if o.command == "" && len(o.args) > 0 {
		return nil, fmt.Errorf("host: unexpected arguments after TEMPLATE (%q); arguments are for -command", o.args)
	}
	if o.progress != "auto" && o.progress != "bar" && o.progress != "lines" {
		return nil, fmt.Errorf("host: -progress %q: want bar, lines or auto", o.progress)
	}
	if o.grace <= 0 {
		return nil, fmt.Errorf("host: -grace %v: want a positive duration", o.grace)
	}
	return &o, nil
}
