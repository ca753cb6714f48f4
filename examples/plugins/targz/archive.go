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

	"github.com/muxplug/muxplug/packer"
)

// writeArchive writes the files, named relative to root, as a tar.gz to a
// temporary file next to output and renames it into place once complete.
// It returns the archive's SHA-256 in hex. It checks ctx between files.
func writeArchive(ctx context.Context, ui packer.Ui, output string, level int, root string, files []string) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".*")
	if err != nil {
		return "", fmt.Errorf("targz: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	sum := sha256.New()
	err = pack(ctx, ui, io.MultiWriter(tmp, sum), level, root, files)
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

func pack(ctx context.Context, ui packer.Ui, w io.Writer, level int, root string, files []string) error {
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	tw := tar.NewWriter(zw)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("targz: cancelled: %w", err)
		}
		name, err := filepath.Rel(root, f)
		if err != nil || !within(root, f) {
			return fmt.Errorf("targz: file %s is outside %s", f, root)
		}
		if err := addFile(tw, f, filepath.ToSlash(name)); err != nil {
			return err
		}
		ui.Message("added " + filepath.ToSlash(name))
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	return nil
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
	hdr, err := tar.FileInfoHeader(fi, "")
	if err != nil {
		return fmt.Errorf("targz: %s: %w", path, err)
	}
	hdr.Name = name
	hdr.Uname, hdr.Gname = "", ""
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("targz: %s: %w", path, err)
	}
	if _, err := io.CopyN(tw, f, fi.Size()); err != nil {
		return fmt.Errorf("targz: %s: %w", path, err)
	}
	return nil
}
