package remote

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/muxplug/muxplug/internal/archive"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// Directories travel as tar archives (package internal/archive) in the
// transfer format of transfer.go, so that host and plugin need not share a
// filesystem:
//
//   - UploadDir: the caller packs src (applying exclude, with archive's
//     pattern rules) onto a stream it serves; the callee extracts it into a
//     fresh temporary directory and calls the real UploadDir with the
//     extracted directory, "tmp/" for a src with a trailing slash and
//     "tmp/<base name of src>" without one, so the trailing-slash rule
//     keeps its meaning; then it removes the temporary directory.
//   - DownloadDir: the callee calls the real DownloadDir into a fresh
//     temporary directory (with src and exclude unchanged), packs that
//     directory's contents onto the caller's stream, and removes it; the
//     caller extracts the archive into dst.
//
// Symbolic links are kept as links, never followed below the packed
// directory, and extraction rejects links and names that would reach
// outside the destination (see internal/archive).

// UploadDir packs src and sends it to the peer's UploadDir. If packing
// fails (src missing, an unsupported file), UploadDir returns that error.
func (c *communicatorClient) UploadDir(ctx context.Context, dst, src string, exclude []string) error {
	name, err := uploadName(src)
	if err != nil {
		return err
	}
	ds, err := c.Conn().ServeData(func(conn net.Conn) error {
		cw := objrpc.NewChunkWriter(conn)
		err := archive.Write(ctx, cw, src, exclude)
		if cw.Failed() != nil {
			cw.Discard()
			return nil // the stream failed: the call reports what the peer saw
		}
		_ = cw.Finish(err) // the call reports the outcome
		return err
	})
	if err != nil {
		return err
	}
	args := &wire.UploadDirArgs{Dst: dst, Name: name, Stream: ds.ID()}
	err = c.CallContext(ctx, "UploadDir", args, new(objrpc.Empty))
	if serr := ds.Finish(true); serr != nil {
		return fmt.Errorf("remote: Communicator.UploadDir: pack %s: %w", src, serr)
	}
	return err
}

// uploadName is what UploadDirArgs.Name says for src: "" to upload its
// contents (a trailing slash, or the root), else its base name.
func uploadName(src string) (string, error) {
	if src == "" {
		return "", fmt.Errorf("remote: Communicator.UploadDir: empty source: %w", archive.ErrNotDir)
	}
	if strings.HasSuffix(src, "/") || strings.HasSuffix(src, string(filepath.Separator)) {
		return "", nil
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return "", fmt.Errorf("remote: Communicator.UploadDir %s: %w", src, err)
	}
	base := filepath.Base(abs)
	if base == string(filepath.Separator) || base == "." {
		return "", nil
	}
	return base, nil
}

// DownloadDir receives the peer's archive of src and extracts it into
// dst. If extracting fails here, the peer's call is cancelled and
// DownloadDir returns that error.
func (c *communicatorClient) DownloadDir(ctx context.Context, src, dst string, exclude []string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ds, err := c.Conn().ServeData(func(conn net.Conn) error {
		cr := objrpc.NewChunkReader(conn)
		err := archive.Extract(ctx, cr, dst, nil)
		if err == nil {
			_, err = io.Copy(io.Discard, cr) // the end marker
		}
		if err != nil {
			cancel()
			return &objrpc.SinkError{Err: err}
		}
		return nil
	})
	if err != nil {
		return err
	}
	args := &wire.DownloadDirArgs{Src: src, Exclude: exclude, Stream: ds.ID()}
	err = c.CallContext(ctx, "DownloadDir", args, new(objrpc.Empty))
	if serr := ds.Finish(err != nil); serr != nil && (err == nil || ctx.Err() != nil) {
		return fmt.Errorf("remote: Communicator.DownloadDir: extract into %s: %w", dst, serr)
	}
	return err
}

func (s *communicatorServer) UploadDir(c *objrpc.Call, args *wire.UploadDirArgs, _ *objrpc.Empty) error {
	ctx := c.Context()
	if n := args.Name; n != "" && (n == "." || n == ".." || strings.ContainsAny(n, `/\`)) {
		return fmt.Errorf("remote: Communicator.UploadDir: bad directory name %q: %w", n, objrpc.ErrProtocol)
	}
	tmp, err := os.MkdirTemp("", "muxplug-upload-")
	if err != nil {
		return fmt.Errorf("remote: Communicator.UploadDir: %w", err)
	}
	defer os.RemoveAll(tmp)
	conn, release, err := c.Conn().DialData(ctx, args.Stream)
	if err != nil {
		return fmt.Errorf("remote: Communicator.UploadDir %s: open stream: %w", args.Dst, err)
	}
	cr := objrpc.NewChunkReader(conn)
	err = archive.Extract(ctx, cr, tmp, nil)
	if err == nil {
		_, err = io.Copy(io.Discard, cr) // the end marker, or the sender's failure
	}
	release()
	if err != nil {
		return fmt.Errorf("remote: Communicator.UploadDir %s: receive: %w", args.Dst, err)
	}
	src := tmp + string(filepath.Separator)
	if args.Name != "" {
		src = filepath.Join(tmp, args.Name)
	}
	return s.c.UploadDir(ctx, args.Dst, src, nil)
}

func (s *communicatorServer) DownloadDir(c *objrpc.Call, args *wire.DownloadDirArgs, _ *objrpc.Empty) error {
	ctx := c.Context()
	tmp, err := os.MkdirTemp("", "muxplug-download-")
	if err != nil {
		return fmt.Errorf("remote: Communicator.DownloadDir: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := s.c.DownloadDir(ctx, args.Src, tmp, args.Exclude); err != nil {
		return err
	}
	conn, release, err := c.Conn().DialData(ctx, args.Stream)
	if err != nil {
		return fmt.Errorf("remote: Communicator.DownloadDir %s: open stream: %w", args.Src, err)
	}
	defer release()
	cw := objrpc.NewChunkWriter(conn)
	err = archive.Write(ctx, cw, tmp+string(filepath.Separator), nil)
	if ferr := cw.Finish(err); err == nil && ferr != nil {
		err = fmt.Errorf("remote: Communicator.DownloadDir %s: send: %w", args.Src, ferr)
	}
	return err
}
