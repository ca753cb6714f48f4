package archive

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/muxplug/muxplug/internal/ctxio"
)

// Write packs the directory src into w as an uncompressed tar stream,
// leaving out the paths that match a pattern in exclude. A src ending in a
// slash packs the directory's contents; otherwise the directory itself is
// the first entry (see the package documentation for the trailing-slash
// rule, the pattern language and what is kept).
//
// Write blocks until the whole tree is written, ctx ends or an error occurs;
// it ends the stream properly only on success. It does not close w. Errors
// name the entry: "archive: <path>: <cause>".
func Write(ctx context.Context, w io.Writer, src string, exclude []string) error {
	m, err := newMatcher(exclude)
	if err != nil {
		return err
	}
	root, prefix, err := writeRoot(src)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("archive: %s: %w", src, err)
	}
	wr := &writer{ctx: ctx, tw: tar.NewWriter(w), m: m, buf: make([]byte, copyBufSize)}
	if prefix != "" {
		// The root itself, which may be reached through a symbolic link.
		fi, err := os.Stat(root)
		if err != nil {
			return fmt.Errorf("archive: %s: %w", src, err)
		}
		if err := wr.entry(root, prefix+"/", fi); err != nil {
			return err
		}
	}
	if err := wr.dir(root, prefix, "."); err != nil {
		return err
	}
	if err := wr.tw.Close(); err != nil {
		return fmt.Errorf("archive: %s: %w", src, err)
	}
	return nil
}

// writeRoot checks src and returns the directory to read and the name
// prefix of its entries: "" for its contents, its base name for itself.
func writeRoot(src string) (root, prefix string, err error) {
	if src == "" {
		return "", "", fmt.Errorf("archive: empty source: %w", ErrNotDir)
	}
	contents := strings.HasSuffix(src, "/") || strings.HasSuffix(src, string(filepath.Separator))
	abs, err := filepath.Abs(src)
	if err != nil {
		return "", "", fmt.Errorf("archive: %s: %w", src, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", "", fmt.Errorf("archive: %s: %w", src, err)
	}
	if !fi.IsDir() {
		return "", "", fmt.Errorf("archive: %s: %w", src, ErrNotDir)
	}
	base := filepath.Base(abs)
	if contents || base == string(filepath.Separator) || base == "." {
		return abs, "", nil
	}
	return abs, base, nil
}

// writer is the state of one Write call.
type writer struct {
	ctx context.Context
	tw  *tar.Writer
	m   matcher
	buf []byte
}

// dir writes the entries of the directory whose path relative to the root
// is rel ("." for the root), naming them under prefix, and recurses.
func (wr *writer) dir(root, prefix, rel string) error {
	dirPath := filepath.Join(root, filepath.FromSlash(rel))
	entries, err := os.ReadDir(dirPath)
	if err != nil {
		return fmt.Errorf("archive: %s: %w", path.Join(prefix, rel), err)
	}
	for _, e := range entries {
		childRel := path.Join(rel, e.Name())
		if wr.m.excluded(childRel) {
			continue
		}
		name := path.Join(prefix, childRel)
		if err := wr.ctx.Err(); err != nil {
			return fmt.Errorf("archive: %s: %w", name, err)
		}
		full := filepath.Join(dirPath, e.Name())
		fi, err := os.Lstat(full)
		if err != nil {
			return fmt.Errorf("archive: %s: %w", name, err)
		}
		if fi.IsDir() {
			name += "/"
		}
		if err := wr.entry(full, name, fi); err != nil {
			return err
		}
		if fi.IsDir() {
			if err := wr.dir(root, prefix, childRel); err != nil {
				return err
			}
		}
	}
	return nil
}

// entry writes the header, and for a regular file the contents, of the
// file at full, described by fi, under the stream name name.
func (wr *writer) entry(full, name string, fi fs.FileInfo) error {
	var err error
	hdr := &tar.Header{
		Name:    name,
		Mode:    int64(fi.Mode().Perm()),
		ModTime: fi.ModTime(),
		Format:  tar.FormatPAX,
	}
	switch mode := fi.Mode(); {
	case mode.IsDir():
		hdr.Typeflag = tar.TypeDir
	case mode.Type() == fs.ModeSymlink:
		hdr.Typeflag = tar.TypeSymlink
		if hdr.Linkname, err = os.Readlink(full); err != nil {
			return fmt.Errorf("archive: %s: %w", name, err)
		}
	case mode.IsRegular():
		return wr.file(full, hdr)
	default:
		return fmt.Errorf("archive: %s: %w (%s)", name, ErrUnsupported, mode.Type())
	}
	if err := wr.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	return nil
}

// file writes a regular file. Its size is the one of the file it opened: a
// file that shrinks while it is read is an error, one that grows is cut at
// that size.
func (wr *writer) file(full string, hdr *tar.Header) error {
	f, err := os.Open(full)
	if err != nil {
		return fmt.Errorf("archive: %s: %w", hdr.Name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("archive: %s: %w", hdr.Name, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("archive: %s: changed while read: %w", hdr.Name, ErrUnsupported)
	}
	hdr.Typeflag, hdr.Size = tar.TypeReg, fi.Size()
	if err := wr.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("archive: %s: %w", hdr.Name, err)
	}
	r := io.LimitReader(ctxio.NewReader(wr.ctx, f), hdr.Size)
	n, err := io.CopyBuffer(wr.tw, r, wr.buf)
	if err == nil && n < hdr.Size {
		err = fmt.Errorf("file shrank from %d to %d bytes while read: %w", hdr.Size, n, io.ErrUnexpectedEOF)
	}
	if err != nil {
		return fmt.Errorf("archive: %s: %w", hdr.Name, err)
	}
	return nil
}
