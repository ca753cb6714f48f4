package remote

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// communicatorKind serves a packer.Communicator as service
// "Communicator". Start and Wait are in communicator_start.go, UploadDir
// and DownloadDir in communicator_dir.go.
var communicatorKind = &kind{svc: "Communicator", rcvr: func(st site, obj interface{}) interface{} {
	return &communicatorServer{st: st, c: obj.(packer.Communicator)}
}}

// communicatorClient is a packer.Communicator whose methods are calls to a
// Communicator the peer serves. Bytes move on streams of their own, which
// this side serves because it owns the reader, writer or directory: the
// peer dials them.
type communicatorClient struct{ *peer }

func newCommunicatorClient(p *peer) packer.Communicator { return &communicatorClient{p} }

// Upload sends everything read from r on a stream of its own while the
// peer's Upload reads it. If reading r fails, Upload returns that error.
func (c *communicatorClient) Upload(ctx context.Context, dst string, r io.Reader, fi *packer.FileInfo) error {
	if r == nil {
		r = eofReader{}
	}
	ds := serveData(c.b, func(conn net.Conn) error {
		cw := newChunkWriter(conn)
		_, err := cw.ReadFrom(r)
		if err != nil && !isLocal(err) {
			cw.discard() // the stream failed: the call reports what the peer saw
			return nil
		}
		_ = cw.finish(err) // the call reports the outcome
		return err
	})
	args := &wire.UploadArgs{Dst: dst, Stream: ds.id, FileInfo: fileInfoToWire(fi)}
	err := c.callCtx(ctx, "Upload", &args.Call, args, new(wire.ErrReply))
	if serr := ds.finish(true); serr != nil {
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
	ds := serveData(c.b, func(conn net.Conn) error {
		_, err := newChunkReader(conn).WriteTo(w)
		if err != nil {
			cancel() // stop the peer's Download
		}
		return err
	})
	args := &wire.DownloadArgs{Src: src, Stream: ds.id}
	err := c.callCtx(ctx, "Download", &args.Call, args, new(wire.ErrReply))
	serr := ds.finish(err != nil)
	switch {
	case isLocal(serr):
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
	st    site
	c     packer.Communicator
	calls callTable
	cmds  table[*runningCmd]
}

func (s *communicatorServer) Upload(args *wire.UploadArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Communicator.Upload", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	conn, release, err := dialData(ctx, s.st.b, args.Stream)
	if err != nil {
		reply.Err = encodeError(fmt.Errorf("remote: Communicator.Upload %s: open stream: %w", args.Dst, err))
		return nil
	}
	defer release()
	err = s.c.Upload(ctx, args.Dst, newChunkReader(conn), fileInfoFromWire(args.FileInfo))
	reply.Err = encodeError(err)
	return nil
}

func (s *communicatorServer) Download(args *wire.DownloadArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Communicator.Download", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	defer end()
	conn, release, err := dialData(ctx, s.st.b, args.Stream)
	if err != nil {
		reply.Err = encodeError(fmt.Errorf("remote: Communicator.Download %s: open stream: %w", args.Src, err))
		return nil
	}
	defer release()
	cw := newChunkWriter(conn)
	err = s.c.Download(ctx, args.Src, cw)
	if ferr := cw.finish(err); err == nil && ferr != nil {
		err = fmt.Errorf("remote: Communicator.Download %s: send: %w", args.Src, ferr)
	}
	reply.Err = encodeError(err)
	return nil
}

func (s *communicatorServer) Cancel(args *wire.CancelArgs, _ *wire.Empty) error {
	s.calls.cancel(args.ID)
	return nil
}

// shutdown ends the commands still running once the Communicator is no
// longer served.
// shutdown stops every command still running: its context ends and its
// streams close.
func (s *communicatorServer) shutdown() {
	for _, r := range s.cmds.close() {
		r.release()
	}
}
