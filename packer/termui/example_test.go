package termui_test

import (
	"time"

	"github.com/muxplug/muxplug/packer/termui"
)

// The zero Config prints to standard output and error; as standard output
// is not a terminal here, transfers would show as plain lines.
func Example() {
	ui := termui.New(nil)
	ui.Say("Starting the build")
	files := ui.Named("files")
	files.Say("Creating site")
	files.Message("wrote hello.txt\nwrote docs/README.md")
	// Output:
	// ==> Starting the build
	// ==> files: Creating site
	//     files: wrote hello.txt
	//     files: wrote docs/README.md
}

func ExampleConfig_machineReadable() {
	clock := func() time.Time { return time.Unix(1767323045, 0) }
	ui := termui.New(&termui.Config{MachineReadable: true, Now: clock})
	files := ui.Named("files")
	files.Say("Creating site, 3 files")
	files.Machine("artifact-count", "1")
	// Output:
	// 1767323045,files,ui,say,Creating site%!(PACKER_COMMA) 3 files
	// 1767323045,files,artifact-count,1
}
