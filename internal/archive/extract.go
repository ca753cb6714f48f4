package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/muxplug/muxplug/internal/ctxio"
)

// Extract unpacks the tar stream r into the directory dst, creating dst
// (mode 0755, less the umask) and any missing parent directories of its
// entries, and leaving out entries that match a pattern in exclude. It
// treats r as hostile: see the package documentation for what it rejects,
// how it treats symbolic links and what it restores.
//
// Extract blocks until the end of the stream, ctx ends or an error occurs.
// It reads r up to the end-of-archive marker and no further, and does not
// close it. Errors name the entry: "archive: <name>: <cause>".
func Extract(ctx context.Context, r io.Reader, dst string, exclude []string) error {
	m, err := newMatcher(exclude)
	if err != nil {
		return err
	}
	if dst == "" {
		return fmt.Errorf("archive: empty destination: %w", ErrNotDir)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("archive: %s: %w", dst, err)
	}
	x := &extractor{
		ctx:  ctx,
		dst:  filepath.Clean(dst),
		m:    m,
		buf:  make([]byte, copyBufSize),
		dirs: make(map[string]bool),
	}
	tr := tar.NewReader(r)
	last := "the first entry"
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("archive: extract into %s after %s: %w", dst, last, err)
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return x.finish()
		}
		if err != nil {
			return fmt.Errorf("archive: header after %s: %w", last, err)
		}
		if err := x.entry(tr, hdr); err != nil {
			return err
		}
		last = fmt.Sprintf("%q", hdr.Name)
	}
}

// extractor is the state of one Extract call.
type extractor struct {
	ctx context.Context
	dst string
	m   matcher
	buf []byte

	// dirs holds the relative paths known to be real directories in dst
	// (not links), so each is checked once.
	dirs map[string]bool

	// deferred holds the modes and times of directory entries, applied by
	// finish once nothing more is written into them.
	deferred []dirMeta
}

type dirMeta struct {
	rel   string
	mode  fs.FileMode
	mtime time.Time
}

// entry extracts one entry whose contents, if any, are read from tr.
func (x *extractor) entry(tr io.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // PAX global metadata: nothing to extract
	}
	rel, err := entryName(hdr.Name)
	if err != nil {
		return err
	}
	if x.m.excluded(rel) {
		return nil
	}
	if isSparse(hdr) {
		return fmt.Errorf("archive: %q: sparse file: %w", hdr.Name, ErrUnsupported)
	}
	if rel == "." {
		if hdr.Typeflag == tar.TypeDir {
			return nil // the destination itself: left as it is
		}
		return fmt.Errorf("archive: %q: names the destination itself: %w", hdr.Name, ErrUnsafePath)
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		return x.mkdir(rel, hdr)
	case tar.TypeReg:
		return x.file(rel, tr, hdr)
	case tar.TypeSymlink:
		return x.symlink(rel, hdr)
	}
	return fmt.Errorf("archive: %q: %s: %w", hdr.Name, typeName(hdr.Typeflag), ErrUnsupported)
}

// full returns the file system path of the relative path rel in dst.
func (x *extractor) full(rel string) string {
	return filepath.Join(x.dst, filepath.FromSlash(rel))
}

// ensureDir makes sure that rel and every directory above it are real
// directories in dst, creating missing ones with mode 0755.
func (x *extractor) ensureDir(rel string) error {
	if rel == "." || x.dirs[rel] {
		return nil
	}
	var err error
	eachPrefix(rel, func(p string) bool {
		err = x.checkDir(p)
		return err != nil
	})
	return err
}

// checkDir makes sure that rel, whose parent is checked, is a real
// directory.
func (x *extractor) checkDir(rel string) error {
	if x.dirs[rel] {
		return nil
	}
	full := x.full(rel)
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(full, 0o755); err != nil {
			return fmt.Errorf("archive: %q: %w", rel, err)
		}
	case err != nil:
		return fmt.Errorf("archive: %q: %w", rel, err)
	case fi.Mode().Type() == fs.ModeSymlink:
		return fmt.Errorf("archive: %q: is a symbolic link, not written through: %w", rel, ErrUnsafePath)
	case !fi.IsDir():
		return fmt.Errorf("archive: %q: %w", rel, ErrNotDir)
	}
	x.dirs[rel] = true
	return nil
}

// notDir fails if rel exists as a directory: a file or link does not
// replace one.
func (x *extractor) notDir(rel string) error {
	if x.dirs[rel] {
		return fmt.Errorf("archive: %q: is a directory: %w", rel, fs.ErrExist)
	}
	fi, err := os.Lstat(x.full(rel))
	if err == nil && fi.IsDir() {
		return fmt.Errorf("archive: %q: is a directory: %w", rel, fs.ErrExist)
	}
	return nil
}

func (x *extractor) mkdir(rel string, hdr *tar.Header) error {
	if err := x.ensureDir(rel); err != nil {
		return err
	}
	x.deferred = append(x.deferred, dirMeta{rel: rel, mode: perm(hdr), mtime: hdr.ModTime})
	return nil
}

// file writes a regular file to a temporary file in its directory and
// renames it over its name.
func (x *extractor) file(rel string, r io.Reader, hdr *tar.Header) (err error) {
	if err := x.ensureDir(path.Dir(rel)); err != nil {
		return err
	}
	if err := x.notDir(rel); err != nil {
		return err
	}
	full := x.full(rel)
	f, err := os.CreateTemp(filepath.Dir(full), ".archive-*")
	if err != nil {
		return fmt.Errorf("archive: %q: %w", rel, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("archive: %q: %w", rel, err)
		}
	}()
	if _, err := io.CopyBuffer(f, ctxio.NewReader(x.ctx, r), x.buf); err != nil {
		return err
	}
	if err := f.Chmod(perm(hdr)); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chtimes(tmp, hdr.ModTime, hdr.ModTime); err != nil {
		return err
	}
	return os.Rename(tmp, full)
}

// symlink creates a link, replacing a file or link of the same name.
func (x *extractor) symlink(rel string, hdr *tar.Header) error {
	if err := checkLink(rel, hdr.Linkname); err != nil {
		return err
	}
	if err := x.ensureDir(path.Dir(rel)); err != nil {
		return err
	}
	if err := x.notDir(rel); err != nil {
		return err
	}
	full := x.full(rel)
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("archive: %q: %w", rel, err)
	}
	if err := os.Symlink(filepath.FromSlash(hdr.Linkname), full); err != nil {
		return fmt.Errorf("archive: %q: %w", rel, err)
	}
	return nil
}

// finish applies the modes and times of directory entries, deepest first so
// that a directory without search permission does not hide its
// subdirectories; among equals the later entry wins.
func (x *extractor) finish() error {
	sort.SliceStable(x.deferred, func(i, j int) bool {
		return depth(x.deferred[i].rel) > depth(x.deferred[j].rel)
	})
	for _, d := range x.deferred {
		full := x.full(d.rel)
		if err := os.Chtimes(full, d.mtime, d.mtime); err != nil {
			return fmt.Errorf("archive: %q: %w", d.rel, err)
		}
		if err := os.Chmod(full, d.mode); err != nil {
			return fmt.Errorf("archive: %q: %w", d.rel, err)
		}
	}
	return nil
}

// perm returns the permission bits of hdr's mode.
func perm(hdr *tar.Header) fs.FileMode {
	return fs.FileMode(hdr.Mode) & fs.ModePerm
}

// isSparse reports whether hdr describes a sparse file in any of the
// formats archive/tar expands.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// typeName names an entry type for an error message.
func typeName(flag byte) string {
	switch flag {
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "named pipe"
	case tar.TypeCont:
		return "contiguous file"
	case tar.TypeGNUSparse:
		return "sparse file"
	}
	return fmt.Sprintf("entry type %q", flag)
}
