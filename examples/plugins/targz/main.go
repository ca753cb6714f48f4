// Command targz is a post-processor plugin: it packs the files of an
// artifact into a gzip-compressed tar archive, writes the archive's SHA-256
// checksum next to it, and returns both as a new artifact.
//
// It is meant to be started by a plugin host (see examples/host), not by
// hand. Configuration (output relative to the plugin's working directory):
//
//	{
//	  "output": "site.tar.gz",   // required: the archive to write
//	  "level": 9                 // gzip level, 1 (fast) to 9 (small); default 6
//	}
//
// Inside the archive, paths are relative to the artifact's "dir" state when
// it has one, and to the files' common parent directory otherwise. The
// archive is reproducible: the same file names and contents make the same
// bytes (entries sorted by name; mode 0644, owner 0:0 and the Unix epoch as
// modification time for every file; no name or time in the gzip header).
// It is written with mode 0644. The checksum file, output + ".sha256", has
// the format of sha256sum.
package main

import "github.com/muxplug/muxplug/plugin"

func main() {
	plugin.ServePostProcessor(new(PostProcessor))
}
