package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/muxplug/muxplug/internal/ctxio"
	"github.com/muxplug/muxplug/packer"
)

// defaultFileMode is the mode of an uploaded file whose FileInfo is nil or
// has no permission bits.
const defaultFileMode fs.FileMode = 0o644

// Upload copies everything read from r to the file dst on the machine (a
// relative dst is resolved against Dir), creating missing parent
// directories with mode 0755. The file gets fi.Mode's permission bits (0644
// if fi is nil or has none) and fi.ModTime (now if zero); fi.Name and
// fi.Size are ignored. The data goes to a temporary file in dst's directory
// that is renamed over dst once complete, so a failed or cancelled upload
// leaves dst as it was, and a link at dst is replaced, not written through.
//
// Upload blocks until r is exhausted, r fails, or ctx ends (checked before
// every Read of r). It does not close r.
func (c *Communicator) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	if dst == "" || strings.HasSuffix(dst, "/") || strings.HasSuffix(dst, string(filepath.Separator)) {
		return fmt.Errorf("local: upload %q: not a file name", dst)
	}
	if r == nil {
		return fmt.Errorf("local: upload %q: nil reader", dst)
	}
	full := c.machinePath(dst)
	if err := writeAtomic(ctx, full, r, fi); err != nil {
		return fmt.Errorf("local: upload %s: %w", full, err)
	}
	c.logger().Debug("local: uploaded", "dst", full)
	return nil
}

// writeAtomic writes r to a temporary file next to full and renames it to
// full once complete.
func writeAtomic(ctx context.Context, full string, r io.Reader, fi *packer.FileInfo) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(full)+".upload-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := io.Copy(f, ctxio.NewReader(ctx, r)); err != nil {
		return err
	}
	mode, mtime := fileAttrs(fi)
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(f.Name(), mtime, mtime); err != nil {
			return err
		}
	}
	return os.Rename(f.Name(), full)
}

// fileAttrs returns the mode and modification time an upload described by
// fi gets; a zero time means now.
func fileAttrs(fi *packer.FileInfo) (fs.FileMode, time.Time) {
	if fi == nil {
		return defaultFileMode, time.Time{}
	}
	mode := fi.Mode.Perm()
	if mode == 0 {
		mode = defaultFileMode
	}
	return mode, fi.ModTime
}

// Download copies the regular file src on the machine (a relative src is
// resolved against Dir) to w. It blocks until the whole file is written,
// w fails, or ctx ends (checked before every read of the file). It does
// not close w. A src that is a directory is an error.
func (c *Communicator) Download(ctx context.Context, src string, w io.Writer) error {
	if w == nil {
		return fmt.Errorf("local: download %q: nil writer", src)
	}
	full := c.machinePath(src)
	if err := readFile(ctx, full, w); err != nil {
		return fmt.Errorf("local: download %s: %w", full, err)
	}
	return nil
}

func readFile(ctx context.Context, full string, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.Open(full)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("is a directory")
	}
	_, err = io.Copy(w, ctxio.NewReader(ctx, f))
	return err
}
