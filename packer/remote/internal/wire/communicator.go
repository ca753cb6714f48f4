package wire

import "github.com/muxplug/muxplug/packer/objrpc"

// StartArgs is the argument of Communicator.Start. Stdin, Stdout and
// Stderr are ids of raw streams the caller serves, 0 for a stream the
// command does not have. Its call id also names the command to Wait.
type StartArgs struct {
	objrpc.CallState `codec:"call"`
	Command          string `codec:"command"`
	Stdin            uint32 `codec:"stdin,omitempty"`
	Stdout           uint32 `codec:"stdout,omitempty"`
	Stderr           uint32 `codec:"stderr,omitempty"`
}

// WaitArgs is the argument of Communicator.Wait: the call id of the Start
// that started the command.
type WaitArgs struct {
	ID uint64 `codec:"id"`
}

// WaitReply is the reply of Communicator.Wait: the command's exit status,
// or an error when its end could not be observed.
type WaitReply struct {
	Status int `codec:"status"`
	objrpc.Result
}

// UploadArgs is the argument of Communicator.Upload. Stream is the id of
// the framed data stream the caller serves (see remote's transfer format).
type UploadArgs struct {
	objrpc.CallState `codec:"call"`
	Dst              string    `codec:"dst"`
	Stream           uint32    `codec:"stream"`
	FileInfo         *FileInfo `codec:"fileinfo"`
}

// DownloadArgs is the argument of Communicator.Download.
type DownloadArgs struct {
	objrpc.CallState `codec:"call"`
	Src              string `codec:"src"`
	Stream           uint32 `codec:"stream"`
}

// UploadDirArgs is the argument of Communicator.UploadDir. The stream
// carries a tar archive of the caller's directory, excludes already
// applied. Name is the directory's base name when the caller's src had no
// trailing slash (the directory itself is uploaded) and empty when it had
// one (its contents are).
type UploadDirArgs struct {
	objrpc.CallState `codec:"call"`
	Dst              string `codec:"dst"`
	Name             string `codec:"name"`
	Stream           uint32 `codec:"stream"`
}

// DownloadDirArgs is the argument of Communicator.DownloadDir. The callee
// sends a tar archive of what the real DownloadDir produced on the stream.
type DownloadDirArgs struct {
	objrpc.CallState `codec:"call"`
	Src              string   `codec:"src"`
	Exclude          []string `codec:"exclude"`
	Stream           uint32   `codec:"stream"`
}
