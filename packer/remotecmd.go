package packer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// ExitStatusUnknown is the exit status of a command whose end could not be
// observed, because the communicator or the transport to it failed. Such a
// command also carries the error (see RemoteCmd.SetError).
const ExitStatusUnknown = -1

// RemoteCmd is a command to run through a Communicator. Set the exported
// fields before passing it to Communicator.Start and do not change them
// afterwards. The zero value (with Command set) is ready to use; a RemoteCmd
// runs once.
//
// The Communicator reports the command's end with SetExited or SetError;
// Wait, Done and ExitStatus observe it. Those methods are safe for concurrent
// use.
type RemoteCmd struct {
	// Command is the command line, interpreted by the machine's shell.
	Command string

	// Stdin, if not nil, is read and fed to the command's standard input.
	Stdin io.Reader

	// Stdout and Stderr, if not nil, receive the command's output.
	Stdout io.Writer
	Stderr io.Writer

	mu     sync.Mutex    // guards the fields below
	done   chan struct{} // closed at the end; made lazily
	ended  bool
	status int
	err    error
}

// SetExited records that the command exited with status and wakes every
// Wait. Only the first SetExited or SetError counts.
func (r *RemoteCmd) SetExited(status int) { r.end(status, nil) }

// SetError records that the command's end could not be observed because of
// err (a transport or communicator failure): the exit status becomes
// ExitStatusUnknown and Wait returns err. Only the first SetExited or
// SetError counts.
func (r *RemoteCmd) SetError(err error) {
	if err == nil {
		err = fmt.Errorf("packer: command %q ended without a status", r.Command)
	}
	r.end(ExitStatusUnknown, err)
}

func (r *RemoteCmd) end(status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return
	}
	r.ended, r.status, r.err = true, status, err
	close(r.doneLocked())
}

func (r *RemoteCmd) doneLocked() chan struct{} {
	if r.done == nil {
		r.done = make(chan struct{})
	}
	return r.done
}

// Done returns a channel that is closed once the command has ended.
func (r *RemoteCmd) Done() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.doneLocked()
}

// Wait blocks until the command has ended or ctx ends. It returns ctx's
// error in the second case, the error given to SetError if the end could not
// be observed, and nil once the command exited (whatever its status: see
// ExitStatus). A command whose Start failed never ends: bound the wait with
// ctx.
func (r *RemoteCmd) Wait(ctx context.Context) error {
	done := r.Done()
	select {
	case <-done:
	default:
		// Not ended yet: wait for the end or ctx. A command that has
		// ended is reported as ended even if ctx is done too.
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// ExitStatus returns the command's exit status, or ExitStatusUnknown while
// it runs or when its end could not be observed.
func (r *RemoteCmd) ExitStatus() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ended {
		return ExitStatusUnknown
	}
	return r.status
}

// RunWithUi starts r through comm, sends each line of its output to ui
// (standard output to Message, standard error to Error, in addition to
// r.Stdout and r.Stderr if they are set) and waits for it to end. It returns
// an error if the command could not be started, its end could not be
// observed, or ctx ended; a non-zero exit status is not an error: check
// ExitStatus.
//
// If ctx ends first, RunWithUi returns at once with ctx's error; the
// communicator is then stopping the command and may still write its last
// output, which still reaches ui.
func (r *RemoteCmd) RunWithUi(ctx context.Context, comm Communicator, ui Ui) error {
	if comm == nil || ui == nil {
		return fmt.Errorf("packer: run %q: nil communicator or ui", r.Command)
	}
	stdout := &lineWriter{emit: ui.Message}
	stderr := &lineWriter{emit: ui.Error}
	r.Stdout = teeWriter(r.Stdout, stdout)
	r.Stderr = teeWriter(r.Stderr, stderr)
	if err := comm.Start(ctx, r); err != nil {
		return fmt.Errorf("packer: start %q: %w", r.Command, err)
	}
	err := r.Wait(ctx)
	// The communicator has stopped writing once the command ended; after a
	// cancelled wait it may still write, and the line writers stay safe.
	stdout.Flush()
	stderr.Flush()
	if err != nil {
		return fmt.Errorf("packer: run %q: %w", r.Command, err)
	}
	return nil
}

func teeWriter(w io.Writer, lines *lineWriter) io.Writer {
	if w == nil {
		return lines
	}
	return io.MultiWriter(w, lines)
}

// lineWriter splits what it is written into lines and emits each one,
// without its line ending. Safe for concurrent use.
type lineWriter struct {
	emit func(string)

	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.buf.Next(i + 1))
		w.emit(strings.TrimRight(line, "\r\n"))
	}
}

// Flush emits a last line that had no line ending.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.emit(strings.TrimRight(w.buf.String(), "\r"))
		w.buf.Reset()
	}
}
