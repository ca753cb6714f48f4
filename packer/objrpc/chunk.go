package objrpc

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/muxplug/muxplug/internal/msgpack"
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

// ChunkWriter is an io.Writer that sends what it is given as chunks in the
// transfer format, gathering small writes into chunks of up to 1 MiB.
// Exactly one of Finish and Discard must end its use. It is not safe for
// concurrent use.
type ChunkWriter struct {
	w      io.Writer
	bufp   *[]byte
	n      int   // bytes gathered after the header
	failed error // the first error of the stream, if any
}

// Failed returns the first error writing to the stream, if any.
func (cw *ChunkWriter) Failed() error { return cw.failed }

// NewChunkWriter returns a ChunkWriter that writes to w; it takes a
// pooled 1 MiB buffer until Finish or Discard.
func NewChunkWriter(w io.Writer) *ChunkWriter {
	return &ChunkWriter{w: w, bufp: chunkPool.Get().(*[]byte)}
}

// Write gathers p into chunks, sending each full one.
func (cw *ChunkWriter) Write(p []byte) (int, error) {
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
// wrapped in a SourceError, or the stream's error.
func (cw *ChunkWriter) ReadFrom(r io.Reader) (int64, error) {
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
			return total, &SourceError{Err: err}
		}
	}
}

// flush sends the gathered bytes as one chunk, header and body in one
// Write.
func (cw *ChunkWriter) flush() error {
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

// Finish sends what is gathered and the end marker: success for a nil
// failure, else the failure. It releases the buffer and returns the
// stream's error.
func (cw *ChunkWriter) Finish(failure error) error {
	defer cw.Discard()
	if err := cw.flush(); err != nil && failure == nil {
		return err
	}
	if failure == nil {
		_, err := cw.w.Write([]byte{0, 0, 0, markerSuccess})
		return err
	}
	enc, err := msgpack.Marshal(EncodeError(failure))
	if err != nil || len(enc) > maxFailure {
		enc, _ = msgpack.Marshal(&WireError{Code: codeOf(failure), Message: "objrpc: sender failed (error too large to send)"})
	}
	buf := make([]byte, 8, 8+len(enc))
	binary.BigEndian.PutUint32(buf, markerFailure)
	binary.BigEndian.PutUint32(buf[4:], uint32(len(enc)))
	_, err = cw.w.Write(append(buf, enc...))
	return err
}

// Discard releases the buffer without sending anything more, for a
// stream that already failed.
func (cw *ChunkWriter) Discard() {
	chunkPool.Put(cw.bufp)
	cw.bufp = nil
}

// SourceError marks a failure to read the data to send, as opposed to a
// failure of the stream.
type SourceError struct{ Err error }

// Error returns the reader's error text.
func (e *SourceError) Error() string { return e.Err.Error() }

// Unwrap returns the reader's error.
func (e *SourceError) Unwrap() error { return e.Err }

// ChunkReader reads the data of a chunked stream. Its Read returns io.EOF
// after the success marker, the sender's error after a failure marker, and
// io.ErrUnexpectedEOF if the stream ends before either.
type ChunkReader struct {
	r    io.Reader
	left int   // bytes left in the current chunk
	err  error // the end state, once reached
	hdr  [chunkHeader]byte
}

// NewChunkReader returns a ChunkReader of the transfer stream r.
func NewChunkReader(r io.Reader) *ChunkReader { return &ChunkReader{r: r} }

// Read reads the transfer's data; see ChunkReader.
func (cr *ChunkReader) Read(p []byte) (int, error) {
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
			cr.err = fmt.Errorf("objrpc: transfer stream ended inside a chunk: %w", io.ErrUnexpectedEOF)
			err = cr.err
		}
	}
	return n, err
}

// WriteTo copies the rest of the data to w with a large pooled buffer.
func (cr *ChunkReader) WriteTo(w io.Writer) (int64, error) {
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
				return total, &SinkError{Err: werr}
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

// SinkError marks a failure to write received data where it goes, as
// opposed to a failure of the stream.
type SinkError struct{ Err error }

// Error returns the writer's error text.
func (e *SinkError) Error() string { return e.Err.Error() }

// Unwrap returns the writer's error.
func (e *SinkError) Unwrap() error { return e.Err }

// next reads the next chunk header, or the end marker.
func (cr *ChunkReader) next() error {
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
		cr.err = fmt.Errorf("objrpc: transfer chunk of %d bytes, limit %d: %w", n, maxChunk, ErrProtocol)
	default:
		cr.left = int(n)
		return nil
	}
	return cr.err
}

// failure reads the sender's error after a failure marker.
func (cr *ChunkReader) failure() error {
	if _, err := io.ReadFull(cr.r, cr.hdr[:]); err != nil {
		return streamEnd(err)
	}
	m := binary.BigEndian.Uint32(cr.hdr[:])
	if m > maxFailure {
		return fmt.Errorf("objrpc: transfer failure of %d bytes, limit %d: %w", m, maxFailure, ErrProtocol)
	}
	enc := make([]byte, m)
	if _, err := io.ReadFull(cr.r, enc); err != nil {
		return streamEnd(err)
	}
	var we WireError
	if err := msgpack.Unmarshal(enc, &we); err != nil {
		return fmt.Errorf("objrpc: transfer failure does not decode: %w", ErrProtocol)
	}
	return fmt.Errorf("objrpc: sender failed: %w", DecodeError(&we))
}

// streamEnd describes a stream that ended before an end marker.
func streamEnd(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("objrpc: transfer stream ended without its end marker: %w", io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("objrpc: transfer stream: %w", err)
}
