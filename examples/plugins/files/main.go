// Command files is a builder plugin: it builds a directory of generated
// files, provisions it through its provision hook, and returns the directory
// as its artifact.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. Configuration (all paths relative to the plugin's working
// directory):
//
//	{
//	  "output_dir": "site",                 // required: the directory to build
//	  "files": {"hello.txt": "hello\n"},    // name (may contain slashes) -> content
//	  "count": 3,                           // also generate file-1.txt .. file-3.txt
//	  "force": true                         // replace output_dir if it exists
//	}
package main

import "github.com/muxplug/muxplug/plugin"

func main() {
	plugin.ServeBuilder(new(Builder))
}
