package packer

import (
	"context"
	"io"
	"io/fs"
	"time"
)

// Communicator runs commands on, and moves files to and from, the machine
// being built. Every method is safe for concurrent use.
type Communicator interface {
	// Start starts cmd and returns once it has started; the command's exit
	// is reported later through cmd (see RemoteCmd.Wait). Ending ctx stops
	// the command, so ctx must outlive the command, not just this call.
	// Implementations finish writing cmd.Stdout and cmd.Stderr before they
	// call cmd.SetExited or cmd.SetError, so that nothing the command
	// printed arrives after its end is reported.
	Start(ctx context.Context, cmd *RemoteCmd) error

	// Upload copies everything read from r to the file dst on the machine.
	// fi, if not nil, gives the file's mode and modification time.
	Upload(ctx context.Context, dst string, r io.Reader, fi *FileInfo) error

	// Download copies the file src on the machine to w.
	Download(ctx context.Context, src string, w io.Writer) error

	// UploadDir copies the local directory src to dst on the machine,
	// leaving out paths that match a pattern in exclude. A src ending in
	// a slash copies the directory's contents into dst; otherwise the
	// directory itself is created inside dst.
	UploadDir(ctx context.Context, dst, src string, exclude []string) error

	// DownloadDir copies the directory src on the machine to the local
	// directory dst, leaving out paths that match a pattern in exclude,
	// with the same trailing-slash rule as UploadDir.
	DownloadDir(ctx context.Context, src, dst string, exclude []string) error
}

// FileInfo describes a file that is uploaded. Unlike fs.FileInfo it is plain
// data, so it crosses the plugin boundary as it is.
type FileInfo struct {
	Name    string      // base name
	Size    int64       // length in bytes, -1 if unknown
	Mode    fs.FileMode // permission and mode bits
	ModTime time.Time   // modification time; the zero time means now
}

// NewFileInfo returns the FileInfo of fi, or nil when fi is nil.
func NewFileInfo(fi fs.FileInfo) *FileInfo {
	if fi == nil {
		return nil
	}
	return &FileInfo{Name: fi.Name(), Size: fi.Size(), Mode: fi.Mode(), ModTime: fi.ModTime()}
}
