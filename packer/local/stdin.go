package local

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// stdinFeed copies a command's standard input from an io.Reader into an
// os.Pipe in a goroutine of its own. Unlike the copy os/exec would make,
// waiting for the command never waits for that goroutine: a Read that
// never returns cannot keep the command's end from being reported.
type stdinFeed struct {
	pr, pw *os.File
	errc   chan error // receives the copy's error, then is closed
}

// newStdinFeed returns the feed for r, or nil when os/exec needs none (r
// is nil or a file).
func newStdinFeed(r io.Reader) (*stdinFeed, error) {
	if _, isFile := r.(*os.File); r == nil || isFile {
		return nil, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &stdinFeed{pr: pr, pw: pw, errc: make(chan error, 1)}, nil
}

// start closes the parent's copy of the read end, which the started child
// now holds, and starts copying r. The goroutine ends when r reports EOF or
// an error, or when a write fails after the command exited or stop was
// called: it outlives the command only while a Read of r is blocked.
func (f *stdinFeed) start(r io.Reader) {
	f.pr.Close()
	go func() {
		_, err := io.Copy(f.pw, r)
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, fs.ErrClosed) {
			err = nil // the command stopped reading, or has ended
		}
		f.errc <- err
		close(f.errc)
		f.pw.Close()
	}()
}

// abort releases both ends when the command did not start.
func (f *stdinFeed) abort() {
	f.pr.Close()
	f.pw.Close()
}

// stop closes the write end once the command has ended, and returns the
// copy's error if the copy has already finished.
func (f *stdinFeed) stop() error {
	f.pw.Close()
	select {
	case err := <-f.errc:
		return err
	default:
		return nil
	}
}
