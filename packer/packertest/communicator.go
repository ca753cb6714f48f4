package packertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/local"
)

// The methods of a Communicator, as recorded in CommCall.Method.
const (
	MethodStart       = "Start"
	MethodUpload      = "Upload"
	MethodDownload    = "Download"
	MethodUploadDir   = "UploadDir"
	MethodDownloadDir = "DownloadDir"
)

// StartFunc starts cmd in place of a shell; see Communicator.StartFunc.
type StartFunc func(ctx context.Context, cmd *packer.RemoteCmd) error

// CommCall is one call to a Communicator, recorded when the call returns.
type CommCall struct {
	Method string // one of the Method constants

	Command string // Start: the command line

	Src string // Download, UploadDir, DownloadDir: the source path
	Dst string // Upload, UploadDir, DownloadDir: the destination path

	// Data holds the bytes Upload read from its reader, or the bytes
	// Download wrote to its writer.
	Data []byte

	FileInfo *packer.FileInfo // Upload: a copy of the FileInfo, or nil
	Exclude  []string         // UploadDir, DownloadDir: the patterns

	Err error // the error the call returned
}

// Communicator is a packer.Communicator over the local directory Dir that
// records every call. It does its work with a local.Communicator{Dir: Dir}
// (see package github.com/muxplug/muxplug/packer/local): relative paths on
// "the machine" are resolved against Dir, absolute ones are used as they
// are, and commands run with /bin/sh in Dir, except that Start calls
// StartFunc when it is set.
//
// The zero value records calls but has no directory: its methods return an
// error, except Start with a StartFunc. NewCommunicator gives one over a
// temporary directory. A Communicator is safe for concurrent use.
type Communicator struct {
	// Dir is the directory standing for the machine.
	Dir string

	// StartFunc, if not nil, is called by Start instead of running a
	// shell. It must report the command's end with SetExited or SetError
	// (now or later), and should write the output it wants to
	// cmd.Stdout and cmd.Stderr before that. See Reply.
	StartFunc StartFunc

	mu    sync.Mutex // guards calls
	calls []CommCall
}

var _ packer.Communicator = (*Communicator)(nil)

// NewCommunicator returns a Communicator over a new temporary directory of
// tb, removed when the test ends.
func NewCommunicator(tb testing.TB) *Communicator {
	tb.Helper()
	return &Communicator{Dir: tb.TempDir()}
}

// Reply returns a StartFunc that writes stdout and stderr to the command's
// Stdout and Stderr (those that are not nil) and then reports that it exited
// with status. It does not read the command's Stdin. If ctx has ended it
// starts nothing and returns ctx's error; if writing fails the command ends
// with SetError.
func Reply(stdout, stderr string, status int) StartFunc {
	return func(ctx context.Context, cmd *packer.RemoteCmd) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("packertest: start %q: %w", cmd.Command, err)
		}
		if err := writeOutput(cmd.Stdout, stdout); err != nil {
			cmd.SetError(fmt.Errorf("packertest: %q: stdout: %w", cmd.Command, err))
			return nil
		}
		if err := writeOutput(cmd.Stderr, stderr); err != nil {
			cmd.SetError(fmt.Errorf("packertest: %q: stderr: %w", cmd.Command, err))
			return nil
		}
		cmd.SetExited(status)
		return nil
	}
}

func writeOutput(w io.Writer, s string) error {
	if w == nil || s == "" {
		return nil
	}
	_, err := io.WriteString(w, s)
	return err
}

var errNoDir = errors.New("packertest: communicator: Dir is empty")

// local returns the communicator that does the work, or an error when Dir
// is empty.
func (c *Communicator) local() (*local.Communicator, error) {
	if c.Dir == "" {
		return nil, errNoDir
	}
	return &local.Communicator{Dir: c.Dir}, nil
}

// Start records cmd's command line and starts it with StartFunc or the
// shell. It blocks only as long as starting does.
func (c *Communicator) Start(ctx context.Context, cmd *packer.RemoteCmd) error {
	var err error
	switch {
	case cmd == nil:
		err = errors.New("packertest: communicator: Start with a nil command")
	case c.StartFunc != nil:
		err = c.StartFunc(ctx, cmd)
	default:
		var l *local.Communicator
		if l, err = c.local(); err == nil {
			err = l.Start(ctx, cmd)
		}
	}
	call := CommCall{Method: MethodStart, Err: err}
	if cmd != nil {
		call.Command = cmd.Command
	}
	c.record(call)
	return err
}

// Upload copies r to dst under Dir, recording the bytes it read and fi. A
// nil r is an error. It blocks until the copy is done or ctx ends.
func (c *Communicator) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	var data bytes.Buffer
	l, err := c.local()
	switch {
	case err != nil:
	case r == nil:
		err = fmt.Errorf("packertest: communicator: upload %q: nil reader", dst)
	default:
		err = l.Upload(ctx, dst, io.TeeReader(r, &data), fi)
	}
	call := CommCall{Method: MethodUpload, Dst: dst, Data: data.Bytes(), Err: err}
	if fi != nil {
		copied := *fi
		call.FileInfo = &copied
	}
	c.record(call)
	return err
}

// Download copies the file src under Dir to w, recording the bytes it
// wrote. A nil w is an error. It blocks until the copy is done or ctx ends.
func (c *Communicator) Download(ctx context.Context, src string, w io.Writer) error {
	var data bytes.Buffer
	l, err := c.local()
	switch {
	case err != nil:
	case w == nil:
		err = fmt.Errorf("packertest: communicator: download %q: nil writer", src)
	default:
		err = l.Download(ctx, src, &teeWriter{w: w, copy: &data})
	}
	c.record(CommCall{Method: MethodDownload, Src: src, Data: data.Bytes(), Err: err})
	return err
}

// UploadDir copies the local directory src to dst under Dir. It blocks
// until the copy is done or ctx ends.
func (c *Communicator) UploadDir(ctx context.Context, dst, src string, exclude []string) error {
	l, err := c.local()
	if err == nil {
		err = l.UploadDir(ctx, dst, src, exclude)
	}
	c.record(CommCall{Method: MethodUploadDir, Src: src, Dst: dst, Exclude: cloneStrings(exclude), Err: err})
	return err
}

// DownloadDir copies the directory src under Dir to the local directory
// dst. It blocks until the copy is done or ctx ends.
func (c *Communicator) DownloadDir(ctx context.Context, src, dst string, exclude []string) error {
	l, err := c.local()
	if err == nil {
		err = l.DownloadDir(ctx, src, dst, exclude)
	}
	c.record(CommCall{Method: MethodDownloadDir, Src: src, Dst: dst, Exclude: cloneStrings(exclude), Err: err})
	return err
}

func (c *Communicator) record(call CommCall) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call)
}

// Calls returns every call so far, in the order they returned.
func (c *Communicator) Calls() []CommCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]CommCall, len(c.calls))
	for i, call := range c.calls {
		call.Data = bytes.Clone(call.Data)
		call.Exclude = cloneStrings(call.Exclude)
		if call.FileInfo != nil {
			fi := *call.FileInfo
			call.FileInfo = &fi
		}
		out[i] = call
	}
	return out
}

// Commands returns the command line of every Start call so far, in order.
func (c *Communicator) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, call := range c.calls {
		if call.Method == MethodStart {
			out = append(out, call.Command)
		}
	}
	return out
}

// teeWriter writes to w and keeps a copy of what w accepted.
type teeWriter struct {
	w    io.Writer
	copy *bytes.Buffer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.copy.Write(p[:n])
	return n, err
}
