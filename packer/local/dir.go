package local

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/muxplug/muxplug/internal/archive"
)

// errExtractDone closes the pipe's read side once extraction has ended, so
// a packer still writing stops.
var errExtractDone = errors.New("local: extraction ended")

// UploadDir copies the local directory src to dst on the machine (a
// relative dst is resolved against Dir; dst is created if missing). A src
// ending in a slash copies its contents into dst; otherwise dst/base(src)
// is created. Paths matching a pattern in exclude are left out: a pattern
// is matched with path.Match against each path relative to src and against
// its base name, and a directory it matches is left out whole. Regular
// files, directories and symbolic links are copied with their permission
// bits and modification times; any other kind of file is an error unless
// excluded. A link whose target leaves dst is an error, and nothing is
// ever written through a link. See package internal/archive for the full
// rules.
//
// UploadDir blocks until the copy is complete, fails, or ctx ends. On
// failure what was already copied stays.
func (c *Communicator) UploadDir(ctx context.Context, dst, src string, exclude []string) error {
	full := c.machinePath(dst)
	if err := copyDir(ctx, src, full, exclude); err != nil {
		return fmt.Errorf("local: upload dir %s to %s: %w", src, full, err)
	}
	c.logger().Debug("local: uploaded dir", "src", src, "dst", full)
	return nil
}

// DownloadDir copies the directory src on the machine (a relative src is
// resolved against Dir) to the local directory dst, with the rules of
// UploadDir: the trailing slash of src, excludes relative to src, modes,
// times and links. It blocks until the copy is complete, fails, or ctx
// ends.
func (c *Communicator) DownloadDir(ctx context.Context, src, dst string, exclude []string) error {
	full := c.machinePath(src)
	if err := copyDir(ctx, full, dst, exclude); err != nil {
		return fmt.Errorf("local: download dir %s to %s: %w", full, dst, err)
	}
	c.logger().Debug("local: downloaded dir", "src", full, "dst", dst)
	return nil
}

// copyDir packs src into a pipe in a goroutine it owns and unpacks the
// pipe into dst, then waits for that goroutine. Both ends watch ctx and the
// pipe, so neither outlives the other's failure.
func copyDir(ctx context.Context, src, dst string, exclude []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	werrc := make(chan error, 1)
	go func() {
		err := archive.Write(ctx, pw, src, exclude)
		pw.CloseWithError(err) // nil: the reader sees io.EOF
		werrc <- err
	}()
	xerr := archive.Extract(ctx, pr, dst, nil)
	pr.CloseWithError(errExtractDone)
	werr := <-werrc
	switch {
	case werr != nil && !errors.Is(werr, errExtractDone):
		return werr // the cause; Extract only saw the broken pipe
	case xerr != nil:
		return xerr
	}
	return nil
}
