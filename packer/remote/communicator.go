package remote

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// communicatorKind serves a packer.Communicator as service
// "Communicator". Start and Wait are in communicator_start.go, UploadDir
// and DownloadDir in communicator_dir.go.
var communicatorKind = objrpc.NewKind("Communicator", func(obj interface{}) interface{} {
	return &communicatorServer{c: obj.(packer.Communicator)}
})

// communicatorClient is a packer.Communicator whose methods are calls to a
// Communicator the peer serves. Bytes move on streams of their own, which
// this side serves because it owns the reader, writer or directory: the
// peer dials them.
type communicatorClient struct{ *objrpc.Proxy }

func newCommunicatorClient(p *objrpc.Proxy) packer.Communicator { return &communicatorClient{p} }

// Upload sends everything read from r on a stream of its own while the
// peer's Upload reads it. If reading r fails, Upload returns that error.
func (c *communicatorClient) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	if r == nil {
		r = eofReader{}
	}
	ds, err := c.Conn().ServeData(func(conn net.Conn) error {
		cw := objrpc.NewChunkWriter(conn)
		_, err := cw.ReadFrom(r)
		if err != nil && !objrpc.IsLocal(err) {
			cw.Discard() // the stream failed: the call reports what the peer saw
			return nil
		}
		_ = cw.Finish(err) // the call reports the outcome
		return err
	})
	if err != nil {
		return err
	}
	args := &wire.UploadArgs{Dst: dst, Stream: ds.ID(), FileInfo: fileInfoToWire(fi)}
	err = c.CallContext(ctx, "Upload", args, new(objrpc.Empty))
	if serr := ds.Finish(true); serr != nil {
		return fmt.Errorf("remote: Communicator.Upload: read %s source: %w", dst, serr)
	}
	return err
}

// Download receives the file on a stream of its own and writes it to w.
// If writing to w fails, the peer's Download is cancelled and Download
// returns that error.
func (c *communicatorClient) Download(ctx context.Context, src string, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ds, err := c.Conn().ServeData(func(conn net.Conn) error {
		_, err := objrpc.NewChunkReader(conn).WriteTo(w)
		if err != nil {
			cancel() // stop the peer's Download
		}
		return err
	})
	if err != nil {
		return err
	}
	args := &wire.DownloadArgs{Src: src, Stream: ds.ID()}
	err = c.CallContext(ctx, "Download", args, new(objrpc.Empty))
	serr := ds.Finish(err != nil)
	switch {
	case objrpc.IsLocal(serr):
		return fmt.Errorf("remote: Communicator.Download: write %s: %w", src, serr)
	case err != nil:
		return err
	case serr != nil:
		return fmt.Errorf("remote: Communicator.Download: receive %s: %w", src, serr)
	}
	return nil
}

func fileInfoToWire(fi *packer.FileInfo) *wire.FileInfo {
	if fi == nil {
		return nil
	}
	return &wire.FileInfo{Name: fi.Name, Size: fi.Size, Mode: uint32(fi.Mode), ModTime: fi.ModTime}
}

func fileInfoFromWire(fi *wire.FileInfo) *packer.FileInfo {
	if fi == nil {
		return nil
	}
	return &packer.FileInfo{Name: fi.Name, Size: fi.Size, Mode: fs.FileMode(fi.Mode), ModTime: fi.ModTime}
}

// communicatorServer serves a packer.Communicator.
type communicatorServer struct {
	c    packer.Communicator
	cmds objrpc.Table[*runningCmd]
}

func (s *communicatorServer) Upload(c *objrpc.Call, args *wire.UploadArgs, _ *objrpc.Empty) error {
	ctx := c.Context()
	conn, release, err := c.Conn().DialData(ctx, args.Stream)
	if err != nil {
		return fmt.Errorf("remote: Communicator.Upload %s: open stream: %w", args.Dst, err)
	}
	defer release()
	return s.c.Upload(ctx, args.Dst, objrpc.NewChunkReader(conn), fileInfoFromWire(args.FileInfo))
}

func (s *communicatorServer) Download(c *objrpc.Call, args *wire.DownloadArgs, _ *objrpc.Empty) error {
	ctx := c.Context()
	conn, release, err := c.Conn().DialData(ctx, args.Stream)
	if err != nil {
		return fmt.Errorf("remote: Communicator.Download %s: open stream: %w", args.Src, err)
	}
	defer release()
	cw := objrpc.NewChunkWriter(conn)
	err = s.c.Download(ctx, args.Src, cw)
	if ferr := cw.Finish(err); err == nil && ferr != nil {
		err = fmt.Errorf("remote: Communicator.Download %s: send: %w", args.Src, ferr)
	}
	return err
}

// Close stops every command still running once the Communicator is no
// longer served: its context ends and its streams close.
func (s *communicatorServer) Close() error {
	for _, r := range s.cmds.Close() {
		r.release()
	}
	return nil
}
