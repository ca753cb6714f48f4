package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"sync"

	ugorji "github.com/ugorji/go/codec"
)

// MaxMessageSize is the largest frame, header and body together, that a
// codec writes or accepts. A peer that announces a larger frame gets an
// error wrapping ErrTooLarge before anything is allocated for it. Bulk data
// does not travel in RPC messages (muxplug gives it a stream of its own), so
// the limit only stops hostile or corrupt peers.
const MaxMessageSize = 16 << 20

// prefixSize is the size of the frame length prefix.
const prefixSize = 4

// keepBufferMax is the capacity above which a message buffer is dropped
// rather than returned to the pool, so that one large message does not pin
// its memory for the life of the process.
const keepBufferMax = 1 << 20

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// requestHeader and responseHeader are the msgpack headers of a frame; they
// travel as arrays, not maps, to keep small calls small.
type requestHeader struct {
	_struct       struct{} `codec:",toarray"`
	ServiceMethod string
	Seq           uint64
}

type responseHeader struct {
	_struct       struct{} `codec:",toarray"`
	ServiceMethod string
	Seq           uint64
	Error         string
}

// conn is the framing shared by the client and server codecs.
//
// net/rpc serialises writes (its sending mutex) and reads one message at a
// time from a single goroutine, reading a header and then its body; the
// write mutex here is belt and braces for other callers. The read state
// (frame, dec) is owned by that single reading goroutine.
type conn struct {
	rwc io.ReadWriteCloser

	wmu sync.Mutex // serialises writeFrame

	closeOnce sync.Once
	closeErr  error

	frame  *[]byte          // the frame between a header read and its body read; nil when idle
	dec    *ugorji.Decoder  // decoder positioned after the header; nil when idle
	prefix [prefixSize]byte // scratch for the length prefix
}

// writeFrame encodes header and body into one frame and writes it with a
// single Write call. When encoding fails the error is an *encodeError
// and nothing has been written.
func (c *conn) writeFrame(header, body interface{}) error {
	bufp := bufferPool.Get().(*[]byte)
	defer putBuffer(bufp)
	buf := (*bufp)[:0]
	if err := encodeFrame(&buf, header, body); err != nil {
		return &encodeError{err}
	}
	*bufp = buf
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.rwc.Write(buf); err != nil {
		return fmt.Errorf("codec: write: %w", err)
	}
	return nil
}

// encodeError marks a message that could not be encoded, and so was not
// written at all.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// encodeFrame fills *buf with the length prefix, header and body.
func encodeFrame(buf *[]byte, header, body interface{}) error {
	e := encoderPool.Get().(*ugorji.Encoder)
	defer encoderPool.Put(e)
	e.ResetBytes(buf)
	if err := e.Encode(header); err != nil {
		return fmt.Errorf("codec: encode header: %w", err)
	}
	if err := e.Encode(body); err != nil {
		return fmt.Errorf("codec: encode body %T: %w", body, err)
	}
	n := len(*buf)
	if n > MaxMessageSize {
		return fmt.Errorf("codec: message of %d bytes exceeds %d: %w", n, MaxMessageSize, ErrTooLarge)
	}
	// The encoder writes from the start of the buffer; shift the message
	// to make room for its length prefix.
	b := append(*buf, make([]byte, prefixSize)...)
	copy(b[prefixSize:], b[:n])
	binary.BigEndian.PutUint32(b, uint32(n))
	*buf = b
	return nil
}

// readHeader reads the next frame, checks that it holds exactly a header
// and a body, and decodes the header into h. It leaves the frame in place
// for readBody.
func (c *conn) readHeader(h interface{}) error {
	c.release()
	if _, err := io.ReadFull(c.rwc, c.prefix[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return fmt.Errorf("codec: truncated frame length: %w", err)
		}
		return err // io.EOF between messages is a clean end for net/rpc
	}
	n := binary.BigEndian.Uint32(c.prefix[:])
	if n > MaxMessageSize {
		return fmt.Errorf("codec: peer announced a %d-byte message, limit %d: %w", n, MaxMessageSize, ErrTooLarge)
	}
	if err := c.readFrame(int(n)); err != nil {
		c.release()
		return fmt.Errorf("codec: truncated frame (want %d bytes): %w", n, unexpected(err))
	}
	if err := checkValues(*c.frame, 2); err != nil {
		c.release()
		return err
	}
	c.dec = decoderPool.Get().(*ugorji.Decoder)
	c.dec.ResetBytes(*c.frame)
	if err := decode(c.dec, h); err != nil {
		c.release()
		return err
	}
	return nil
}

// readChunk is the most a codec allocates for a frame ahead of the bytes
// that arrive: a frame larger than the pooled buffer grows in steps as
// its bytes come in, so a peer that announces a large frame and then
// sends little costs little memory.
const readChunk = 256 << 10

// readFrame reads an n-byte frame from rwc into c.frame.
func (c *conn) readFrame(n int) error {
	bufp := bufferPool.Get().(*[]byte)
	c.frame = bufp
	buf := (*bufp)[:0]
	if cap(buf) < n && n <= readChunk {
		buf = make([]byte, 0, n)
	}
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, max(2*cap(buf), readChunk)))
			copy(grown, buf)
			buf = grown
		}
		m, err := io.ReadFull(c.rwc, buf[len(buf):min(n, cap(buf))])
		buf = buf[:len(buf)+m]
		*bufp = buf
		if err != nil {
			return err
		}
	}
	*bufp = buf
	return nil
}

// readBody decodes the body of the frame whose header was just read into
// body, or discards it when body is nil, and releases the frame.
func (c *conn) readBody(body interface{}) error {
	if c.dec == nil {
		return fmt.Errorf("codec: body read without a header: %w", ErrMalformed)
	}
	defer c.release()
	if body == nil {
		return nil
	}
	if err := decode(c.dec, body); err != nil {
		return err
	}
	if used, n := c.dec.NumBytesRead(), len(*c.frame); used != n {
		return fmt.Errorf("codec: %d trailing bytes after body: %w", n-used, ErrMalformed)
	}
	return nil
}

// release returns the in-flight frame and decoder to their pools.
func (c *conn) release() {
	if c.dec != nil {
		c.dec.ResetBytes(nil)
		decoderPool.Put(c.dec)
		c.dec = nil
	}
	if c.frame != nil {
		putBuffer(c.frame)
		c.frame = nil
	}
}

func (c *conn) close() error {
	c.closeOnce.Do(func() { c.closeErr = c.rwc.Close() })
	return c.closeErr
}

func putBuffer(bufp *[]byte) {
	if cap(*bufp) > keepBufferMax {
		return
	}
	*bufp = (*bufp)[:0]
	bufferPool.Put(bufp)
}

// unexpected turns a clean EOF in the middle of a frame into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

type clientCodec struct {
	conn
	resp responseHeader // owned by the reading goroutine
}

// NewClientCodec returns a net/rpc ClientCodec that speaks msgpack frames on
// rwc. Pass it to rpc.NewClientWithCodec. The codec owns rwc: closing the
// codec (which rpc.Client.Close does) closes rwc; Close is idempotent.
//
// As net/rpc requires, WriteRequest may be called concurrently with the
// reading methods, and ReadResponseHeader and ReadResponseBody are called in
// pairs from one goroutine. Each request leaves in a single Write on rwc.
// The package documentation states the contract in full.
func NewClientCodec(rwc io.ReadWriteCloser) rpc.ClientCodec {
	return &clientCodec{conn: conn{rwc: rwc}}
}

func (c *clientCodec) WriteRequest(r *rpc.Request, body interface{}) error {
	return c.writeFrame(&requestHeader{ServiceMethod: r.ServiceMethod, Seq: r.Seq}, body)
}

func (c *clientCodec) ReadResponseHeader(r *rpc.Response) error {
	c.resp = responseHeader{}
	if err := c.readHeader(&c.resp); err != nil {
		return err
	}
	r.ServiceMethod = c.resp.ServiceMethod
	r.Seq = c.resp.Seq
	r.Error = c.resp.Error
	return nil
}

func (c *clientCodec) ReadResponseBody(body interface{}) error { return c.readBody(body) }

func (c *clientCodec) Close() error { return c.close() }

type serverCodec struct {
	conn
	req requestHeader // owned by the reading goroutine
}

// NewServerCodec returns a net/rpc ServerCodec that speaks msgpack frames on
// rwc. Pass it to rpc.ServeCodec or (*rpc.Server).ServeCodec. The codec owns
// rwc: Close closes it, and is idempotent.
//
// As net/rpc requires, WriteResponse may be called concurrently from many
// goroutines (net/rpc serialises them) while one goroutine reads request
// headers and bodies in pairs. Each response leaves in a single Write.
// A reply that cannot be encoded (for example one larger than
// MaxMessageSize) is replaced by an error response for the same call, so
// the caller gets an rpc.ServerError instead of waiting for ever;
// WriteResponse still returns the encoding error. The package
// documentation states the contract in full.
func NewServerCodec(rwc io.ReadWriteCloser) rpc.ServerCodec {
	return &serverCodec{conn: conn{rwc: rwc}}
}

func (c *serverCodec) ReadRequestHeader(r *rpc.Request) error {
	c.req = requestHeader{}
	if err := c.readHeader(&c.req); err != nil {
		return err
	}
	r.ServiceMethod = c.req.ServiceMethod
	r.Seq = c.req.Seq
	return nil
}

func (c *serverCodec) ReadRequestBody(body interface{}) error { return c.readBody(body) }

func (c *serverCodec) WriteResponse(r *rpc.Response, body interface{}) error {
	h := &responseHeader{ServiceMethod: r.ServiceMethod, Seq: r.Seq, Error: r.Error}
	err := c.writeFrame(h, body)
	var encErr *encodeError
	if !errors.As(err, &encErr) {
		return err
	}
	// net/rpc drops a response it fails to write, and the caller would
	// wait for it forever; send the caller the failure instead.
	h.Error = fmt.Sprintf("codec: cannot send the reply to %s: %v", r.ServiceMethod, err)
	if werr := c.writeFrame(h, nil); werr != nil {
		return werr
	}
	return err
}

func (c *serverCodec) Close() error { return c.close() }
