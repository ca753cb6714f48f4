// Command host is an example plugin host: it runs a Packer-style build
// whose every component is a separate plugin process, talking to each over
// one multiplexed connection.
//
// Run the demo from the repository root:
//
//	go run ./examples/host examples/demo.json
//
// The host reads a JSON template (see Template in template.go and
// examples/demo.json), builds the example plugins of examples/plugins into a
// cache directory when they are missing or older than the sources, asks
// each what it serves (plugin.Describe: the binary run with the argument
// describe) to check the template's types, starts one plugin process per
// component with plugin.NewClient, and runs:
//
//  1. each builder, which calls the host back at its hook points;
//  2. at every hook point, the template's hooks; at the provision hook the
//     provisioners after them, with the Communicator the builder passed
//     (or, if it passed none, one rooted at the output directory);
//  3. the post-processors, each on the artifact the previous one returned.
//
// Every line a component prints carries its name ("==> files: ...",
// "    shell: ..."), printed by package
// github.com/muxplug/muxplug/packer/termui: transfers show a progress bar
// with rate and time left on a terminal, and plain lines otherwise;
// -machine-readable prints Packer's machine-readable lines instead. Ctrl-C cancels the build through the contexts of
// the calls in flight and stops every plugin; a plugin that crashes makes
// the host fail with the plugin's last output. Run with -help for the
// flags, including -command, which runs a command plugin (such as
// examples/plugins/build) with the template's components.
package main
