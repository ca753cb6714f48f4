package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/muxplug/muxplug/packer"
)

// entryTime is the modification time of every entry, so that the same
// files always make the same archive.
var entryTime = time.Unix(0, 0)

// writeArchive writes the files, named relative to root, as a tar.gz to a
// temporary file next to output and renames it into place, mode 0644,
// once complete. It returns the archive's SHA-256 in hex. It checks ctx
// between files. The archive depends only on the files' names and
// contents: see pack.
func writeArchive(ctx context.Context, ui packer.Ui, output string, level int, root string, files []string) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".*")
	if err != nil {
		return "", fmt.Errorf("targz: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	sum := sha256.New()
	err = pack(ctx, ui, io.MultiWriter(tmp, sum), level, root, files)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp made it 0600
	}
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("targz: %w", cerr)
	}
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), output); err != nil {
		return "", fmt.Errorf("targz: %w", err)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// pack writes the files as a reproducible tar.gz: entries sorted by name,
// each a regular file of mode 0644 owned by 0:0 with no owner names and
// modified at entryTime, in a gzip stream with no name or time.
func pack(ctx context.Context, ui packer.Ui, w io.Writer, level int, root string, files []string) error {
	entries, err := entryNames(root, files)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("targz: cancelled: %w", err)
		}
		if err := addFile(tw, e.path, e.name); err != nil {
			return err
		}
		ui.Message("added " + e.name)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	return nil
}

// entry is a file and its name in the archive.
type entry struct{ path, name string }

// entryNames returns the files with their names relative to root, sorted
// by name.
func entryNames(root string, files []string) ([]entry, error) {
	entries := make([]entry, 0, len(files))
	for _, f := range files {
		name, err := filepath.Rel(root, f)
		if err != nil || !within(root, f) {
			return nil, fmt.Errorf("targz: file %s is outside %s", f, root)
		}
		entries = append(entries, entry{f, filepath.ToSlash(name)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return entries, nil
}

// addFile writes the regular file at path into tw under name.
func addFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("targz: %s is not a regular file", path)
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: fi.Size(), Mode: 0o644, ModTime: entryTime}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("targz: %s: %w", path, err)
	}
	if _, err := io.CopyN(tw, f, fi.Size()); err != nil {
		return fmt.Errorf("targz: %s: %w", path, err)
	}
	return nil
}
