// Package archive packs a directory tree into an uncompressed tar stream and
// unpacks such a stream into a directory. It is how directories cross the
// plugin boundary (Communicator.UploadDir and DownloadDir): the sending side
// calls [Write], the receiving side calls [Extract], so both sides agree on
// every rule below whatever machine they run on.
//
// # What is kept
//
// Regular files, directories and symbolic links are kept, with their
// permission bits (mode & 0777; setuid, setgid and sticky bits are dropped)
// and their modification times to the nanosecond (entries are written in the
// PAX format). Owners and groups are not kept: extracted entries belong to
// the user running Extract. A symbolic link's own modification time is not
// restored. Hard-linked files are written as separate regular files. Any
// other kind of file (device, named pipe, socket) makes Write fail with an
// error naming it and wrapping [ErrUnsupported]; exclude it to skip it.
//
// # The trailing-slash rule
//
// Write follows the rule of packer.Communicator.UploadDir. A src ending in a
// slash ("build/") packs the directory's contents: the stream's names are
// relative to src ("a.txt", "sub/b.txt") and the directory itself has no
// entry, so Extract puts the contents straight into dst and leaves dst's own
// mode alone. A src without the slash ("build") packs the directory itself:
// the first entry is "build/" and every other name starts with "build/", so
// Extract creates dst/build. The name is that of the absolute, cleaned src,
// so "." packs the current directory under its own name; src "/" always
// means the contents of the root.
//
// # Exclude patterns
//
// A pattern uses the syntax of path.Match ('*', '?', '[a-z]', '\\' escapes;
// '*' does not cross a slash). An entry is left out when a pattern matches
// its slash-separated path relative to the packed directory, or its base
// name, or the path or base name of any directory above it: so a pattern
// that matches a directory leaves out its whole subtree. For Write the path
// is relative to src, whatever the trailing slash ("*.log", "cache",
// "sub/tmp" all work the same for "build" and "build/"). For Extract the path
// is the entry's name in the stream, which is its path relative to dst. A
// malformed pattern is an error (wrapping path.ErrBadPattern) before
// anything is read or written.
//
// # Symbolic links and safe extraction
//
// Write stores a symbolic link as a link, with its target exactly as
// os.Readlink returns it; it never follows links below src (src itself may
// be a link to a directory). Extract treats the stream as hostile. It
// rejects, with an error wrapping [ErrUnsafePath] and naming the entry:
//
//   - an empty name, an absolute name, or a name with a ".." element;
//   - a link whose target is empty or absolute, has a ".." element after a
//     named one ("a/../b"), or climbs above dst from the link's directory;
//   - an entry whose parent directory in dst is a symbolic link, whether the
//     stream made it or it was there before: files are never written
//     through a link.
//
// A regular file is written to a temporary file in its directory and
// renamed over its name, so an existing link or hard link at that name is
// replaced, never written through. Because the links Extract accepts only
// climb through real directories that it checked, and then descend, every
// link it creates resolves inside dst, unless it descends through a link
// that was already in dst before Extract ran: such links are not checked
// (though they are never written through either).
// Extract assumes nothing else changes dst while it runs.
//
// # Limits
//
// Extract streams file contents and allocates nothing in proportion to a
// header field: archive/tar bounds the extended headers it reads, and
// sparse files (which could make a small stream expand to any size) are
// rejected as unsupported. Its memory grows only with the number of
// directory entries, whose modes and times are applied at the end (so that
// a read-only directory can still receive its contents). When Write or
// Extract fails, what was already written stays; Extract removes the
// temporary file of the entry it was writing.
//
// # Cancellation
//
// Both functions check their context before each entry and on every read of
// file contents, and return an error wrapping ctx.Err() once it has ended.
// They do not interrupt a Write to, or Read from, the stream itself: a
// caller that pipes one into the other closes the pipe when ctx ends.
package archive
