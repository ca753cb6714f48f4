package remote

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// The transfer format. File contents (Upload, Download) and directory
// archives (UploadDir, DownloadDir) travel on a stream of their own, as raw
// bytes cut into large chunks, so that the receiver can tell a complete
// transfer from one whose sender failed or vanished (a yamux stream cannot
// be reset, and its end looks the same either way):
//
//	chunk    uint32 n, big endian, 0 < n <= maxChunk, then n bytes
//	success  uint32 0: the end of a complete transfer
//	failure  uint32 0xFFFFFFFF, uint32 m (m <= maxFailure), then m bytes:
//	         the msgpack encoding of the sender's error ({code, msg})
//
// Anything after the end marker is ignored; a stream that ends before it
// is truncated (io.ErrUnexpectedEOF). The stream's flow control (the yamux
// window) is the transfer's backpressure: a sender blocks while the
// receiver is behind by a window.

const (
	maxChunk      = 1 << 20    // the largest chunk, and the copy buffer size
	maxFailure    = 64 << 10   // the largest encoded failure
	markerSuccess = 0          // header of the success marker
	markerFailure = 0xFFFFFFFF // header of the failure marker
	chunkHeader   = 4
)

// chunkPool holds buffers of chunkHeader+maxChunk bytes.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkHeader+maxChunk); return &b }}

// chunkWriter is an io.Writer that sends what it is given as chunks,
// gathering small writes into chunks of up to maxChunk bytes. finish sends
// the end marker and must be called exactly once.
type chunkWriter struct {
	w      io.Writer
	bufp   *[]byte
	n      int   // bytes gathered after the header
	failed error // the first error of the stream, if any
}

func newChunkWriter(w io.Writer) *chunkWriter {
	return &chunkWriter{w: w, bufp: chunkPool.Get().(*[]byte)}
}

func (cw *chunkWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		c := copy((*cw.bufp)[chunkHeader+cw.n:], p)
		cw.n += c
		written += c
		p = p[c:]
		if cw.n == maxChunk {
			if err := cw.flush(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// ReadFrom sends everything read from r, one chunk per Read, reading
// straight into the chunk buffer. It returns the error of r (not io.EOF)
// wrapped in a sourceError, or the stream's error.
func (cw *chunkWriter) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		buf := (*cw.bufp)[chunkHeader+cw.n : chunkHeader+maxChunk]
		n, err := r.Read(buf)
		cw.n += n
		total += int64(n)
		if cw.n > 0 {
			if werr := cw.flush(); werr != nil {
				return total, werr
			}
		}
		switch {
		case err == io.EOF:
			return total, nil
		case err != nil:
			return total, &sourceError{err}
		}
	}
}

// flush sends the gathered bytes as one chunk, header and body in one
// Write.
func (cw *chunkWriter) flush() error {
	if cw.n == 0 {
		return nil
	}
	buf := (*cw.bufp)[:chunkHeader+cw.n]
	binary.BigEndian.PutUint32(buf, uint32(cw.n))
	cw.n = 0
	_, err := cw.w.Write(buf)
	if err != nil && cw.failed == nil {
		cw.failed = err
	}
	return err
}

// finish sends what is gathered and the end marker: success for a nil
// failure, else the failure. It releases the buffer and returns the
// stream's error.
func (cw *chunkWriter) finish(failure error) error {
	defer cw.discard()
	if err := cw.flush(); err != nil && failure == nil {
		return err
	}
	if failure == nil {
		_, err := cw.w.Write([]byte{0, 0, 0, markerSuccess})
		return err
	}
	enc, err := codec.Marshal(encodeError(failure))
	if err != nil || len(enc) > maxFailure {
		enc, _ = codec.Marshal(&wire.Error{Code: codeOf(failure), Message: "remote: sender failed (error too large to send)"})
	}
	buf := make([]byte, 8, 8+len(enc))
	binary.BigEndian.PutUint32(buf, markerFailure)
	binary.BigEndian.PutUint32(buf[4:], uint32(len(enc)))
	_, err = cw.w.Write(append(buf, enc...))
	return err
}

// discard releases the buffer without sending anything more, for a
// stream that already failed.
func (cw *chunkWriter) discard() {
	chunkPool.Put(cw.bufp)
	cw.bufp = nil
}

// sourceError marks a failure to read the data to send, as opposed to a
// failure of the stream.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// chunkReader reads the data of a chunked stream. Its Read returns io.EOF
// after the success marker, the sender's error after a failure marker, and
// io.ErrUnexpectedEOF if the stream ends before either.
type chunkReader struct {
	r    io.Reader
	left int   // bytes left in the current chunk
	err  error // the end state, once reached
	hdr  [chunkHeader]byte
}

func newChunkReader(r io.Reader) *chunkReader { return &chunkReader{r: r} }

func (cr *chunkReader) Read(p []byte) (int, error) {
	if cr.left == 0 {
		if err := cr.next(); err != nil {
			return 0, err
		}
	}
	if len(p) > cr.left {
		p = p[:cr.left]
	}
	n, err := cr.r.Read(p)
	cr.left -= n
	if err == io.EOF {
		err = nil
		if cr.left > 0 {
			cr.err = fmt.Errorf("remote: transfer stream ended inside a chunk: %w", io.ErrUnexpectedEOF)
			err = cr.err
		}
	}
	return n, err
}

// WriteTo copies the rest of the data to w with a large pooled buffer.
func (cr *chunkReader) WriteTo(w io.Writer) (int64, error) {
	bufp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bufp)
	var total int64
	for {
		n, err := cr.Read(*bufp)
		if n > 0 {
			m, werr := w.Write((*bufp)[:n])
			total += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return total, &sinkError{werr}
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// sinkError marks a failure to write received data where it goes, as
// opposed to a failure of the stream.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// next reads the next chunk header, or the end marker.
func (cr *chunkReader) next() error {
	if cr.err != nil {
		return cr.err
	}
	if _, err := io.ReadFull(cr.r, cr.hdr[:]); err != nil {
		cr.err = streamEnd(err)
		return cr.err
	}
	switch n := binary.BigEndian.Uint32(cr.hdr[:]); {
	case n == markerSuccess:
		cr.err = io.EOF
	case n == markerFailure:
		cr.err = cr.failure()
	case n > maxChunk:
		cr.err = fmt.Errorf("remote: transfer chunk of %d bytes, limit %d: %w", n, maxChunk, ErrProtocol)
	default:
		cr.left = int(n)
		return nil
	}
	return cr.err
}

// failure reads the sender's error after a failure marker.
func (cr *chunkReader) failure() error {
	if _, err := io.ReadFull(cr.r, cr.hdr[:]); err != nil {
		return streamEnd(err)
	}
	m := binary.BigEndian.Uint32(cr.hdr[:])
	if m > maxFailure {
		return fmt.Errorf("remote: transfer failure of %d bytes, limit %d: %w", m, maxFailure, ErrProtocol)
	}
	enc := make([]byte, m)
	if _, err := io.ReadFull(cr.r, enc); err != nil {
		return streamEnd(err)
	}
	var we wire.Error
	if err := codec.Unmarshal(enc, &we); err != nil {
		return fmt.Errorf("remote: transfer failure does not decode: %w", ErrProtocol)
	}
	return fmt.Errorf("remote: sender failed: %w", decodeError(&we))
}

// streamEnd describes a stream that ended before an end marker.
func streamEnd(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("remote: transfer stream ended without its end marker: %w", io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("remote: transfer stream: %w", err)
}

// dataStream is a stream this side serves for one transfer or one command
// stream: a goroutine accepts the peer's dial and runs fn on the stream.
type dataStream struct {
	id     uint32
	cancel context.CancelFunc // abandons the Accept
	done   chan struct{}      // closed when the goroutine returns
	err    error              // fn's error; read after done
	final  atomic.Bool        // the call is over: do not renew the Accept

	mu     sync.Mutex // guards conn and closed
	conn   net.Conn
	closed bool
}

// serveData starts serving a stream on a fresh id of b. fn runs once the
// peer has dialled; the stream is closed when it returns.
func serveData(b *mux.Broker, fn func(conn net.Conn) error) *dataStream {
	ctx, cancel := context.WithCancel(context.Background())
	d := &dataStream{id: b.NextID(), cancel: cancel, done: make(chan struct{})}
	go d.run(ctx, b, fn)
	return d
}

func (d *dataStream) run(ctx context.Context, b *mux.Broker, fn func(net.Conn) error) {
	defer close(d.done)
	defer d.cancel()
	conn, err := acceptLoop(ctx, b, d.id, func() bool { return ctx.Err() == nil && !d.final.Load() })
	if err != nil {
		return // abandoned before the peer dialled: nothing was moved
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		conn.Close()
		return
	}
	d.conn = conn
	d.mu.Unlock()
	d.err = fn(conn)
	conn.Close()
}

// abort abandons the Accept and closes the stream, which wakes fn if it
// is blocked on it.
func (d *dataStream) abort() {
	d.cancel()
	d.mu.Lock()
	d.closed = true
	conn := d.conn
	d.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// finish ends the transfer and returns fn's error. With abort it first
// abandons the stream: the call is over, whatever fn was doing. Without,
// the peer has dialled (or will have within one Config.BrokerTimeout,
// after which the Accept fails) and fn runs to the end of the stream.
func (d *dataStream) finish(abort bool) error {
	d.final.Store(true)
	if abort {
		d.abort()
	}
	<-d.done
	return d.err
}

// dialData dials the peer's stream id for a served call running with ctx,
// and announces the dial at once (the peer waits in Accept). The stream is
// closed when ctx ends, which wakes any Read or Write blocked on it;
// release closes it and stops watching ctx.
func dialData(ctx context.Context, b *mux.Broker, id uint32) (net.Conn, func(), error) {
	conn, err := b.Dial(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.Write(nil); err != nil {
		conn.Close()
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return conn, func() { stop(); conn.Close() }, nil
}

// isLocal reports whether err is a failure of this side's own reader or
// writer, rather than of the stream or the peer.
func isLocal(err error) bool {
	var se *sourceError
	var ke *sinkError
	return errors.As(err, &se) || errors.As(err, &ke)
}
