// Package local implements packer.Communicator on the machine the program
// runs on: commands run through a shell in a working directory, and files
// and directories are copied with the same semantics as a remote
// communicator's.
//
// # Paths
//
// A Communicator has two sides, as every communicator does: the machine
// (here, Communicator.Dir on this machine) and the caller. Paths on the
// machine side are resolved against Dir when they are relative and used as
// they are when absolute: the dst of Upload and UploadDir, the src of
// Download and DownloadDir, and the working directory of commands. Paths on
// the caller side (the src of UploadDir, the dst of DownloadDir) are the
// caller's own: relative ones are relative to the process's working
// directory.
//
// # Commands
//
// Start runs Shell -c Command in Dir, with the RemoteCmd's standard streams,
// in a process group of its own (on Unix). The command's end is reported
// on the RemoteCmd:
//
//   - exit status n: SetExited(n);
//   - killed by signal s (not by this package): SetExited(128+s), as a
//     shell reports it, so 143 means SIGTERM;
//   - stopped because the ctx given to Start ended: the whole process group
//     gets SIGKILL and the command ends with SetError of an error wrapping
//     ctx.Err(), so errors.Is(cmd.Wait(ctx2), context.Canceled) holds and
//     ExitStatus is packer.ExitStatusUnknown;
//   - its status could not be observed, or copying its output failed while
//     it exited 0: SetError with the cause.
//
// After the command exits, or after ctx ends, its output is copied for at
// most Communicator.WaitDelay more: a background process that inherited the
// output and keeps it open is then cut off (its later output is lost; its
// process is left alone unless ctx ended).
//
// # Files and directories
//
// Upload writes to a temporary file next to dst and renames it over dst,
// so readers see the old file or the whole new one, and a link at dst is
// replaced rather than written through. UploadDir and DownloadDir pack the
// source with package internal/archive and unpack the stream at the
// destination through a pipe, so excludes, the trailing-slash rule, modes,
// times and the symbolic-link policy are exactly those of a directory that
// travels between machines (see packer.Communicator and the archive
// package documentation, summarised on UploadDir).
package local
