package msgpack

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	ugorji "github.com/ugorji/go/codec"
)

// MaxMessageSize is the largest frame, header and body together, that a
// codec writes or accepts. A peer that announces a larger frame gets an
// error wrapping ErrTooLarge before anything is allocated for it. Bulk data
// does not travel in RPC messages (muxplug gives it a stream of its own), so
// the limit only stops hostile or corrupt peers.
const MaxMessageSize = 16 << 20

// PrefixSize is the size of the frame length prefix.
const PrefixSize = 4

// keepBufferMax is the capacity above which a message buffer is dropped
// rather than returned to the pool, so that one large message does not pin
// its memory for the life of the process.
const keepBufferMax = 1 << 20

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// RequestHeader and ResponseHeader are the msgpack headers of a frame;
// they travel as arrays, not maps, to keep small calls small.
type RequestHeader struct {
	_struct       struct{} `codec:",toarray"`
	ServiceMethod string
	Seq           uint64
}

// ResponseHeader is the header of a response frame; see RequestHeader.
type ResponseHeader struct {
	_struct       struct{} `codec:",toarray"`
	ServiceMethod string
	Seq           uint64
	Error         string
}

// Conn carries messages on a stream: each message is one frame, a header
// and a body, that leaves in exactly one Write.
//
// WriteMessage may be called from any number of goroutines; whole messages
// never interleave. Reads come from one goroutine at a time: each
// ReadHeader is followed by exactly one ReadBody before the next
// ReadHeader. Close may be called at any time from any goroutine.
type Conn struct {
	rwc io.ReadWriteCloser

	wmu sync.Mutex // serialises writeFrame

	closeOnce sync.Once
	closeErr  error

	ahead  []byte           // bytes read past the current frame, in small or pooled
	pooled *[]byte          // the pooled buffer ahead is in; nil when none is held
	busy   bool             // the last read filled its buffer: more bytes are likely waiting
	small  [smallRead]byte  // what an idle Conn reads into
	frame  *[]byte          // the frame between a header read and its body read; nil when idle
	dec    *ugorji.Decoder  // decoder positioned after the header; nil when idle
	prefix [PrefixSize]byte // scratch for the length prefix
}

// NewConn returns a Conn on rwc, which it owns: Close closes rwc.
func NewConn(rwc io.ReadWriteCloser) *Conn { return &Conn{rwc: rwc} }

// WriteMessage encodes header and body into one frame and writes it with a
// single Write call. It blocks until rwc has accepted the Write. When
// encoding fails (a value that cannot be encoded, a message over
// MaxMessageSize) the error is an *EncodeError and nothing has been
// written.
func (c *Conn) WriteMessage(header, body interface{}) error {
	bufp := bufferPool.Get().(*[]byte)
	defer putBuffer(bufp)
	buf := (*bufp)[:0]
	if err := encodeFrame(&buf, header, body); err != nil {
		return &EncodeError{err}
	}
	*bufp = buf
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.rwc.Write(buf); err != nil {
		return fmt.Errorf("codec: write: %w", err)
	}
	return nil
}

// AppendMessage appends the frame of header and body to dst, as
// WriteMessage would write it, and returns the result; on failure it
// returns dst unchanged and an *EncodeError. It is safe for concurrent
// use.
func AppendMessage(dst []byte, header, body interface{}) ([]byte, error) {
	bufp := bufferPool.Get().(*[]byte)
	defer putBuffer(bufp)
	buf := (*bufp)[:0]
	if err := encodeFrame(&buf, header, body); err != nil {
		return dst, &EncodeError{err}
	}
	*bufp = buf
	return append(dst, buf...), nil
}

// WriteFrames writes frames made by AppendMessage, whole, in one Write,
// never interleaved with another WriteMessage or WriteFrames.
func (c *Conn) WriteFrames(frames []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.rwc.Write(frames); err != nil {
		return fmt.Errorf("codec: write: %w", err)
	}
	return nil
}

// EncodeError marks a message that could not be encoded, and so was not
// written at all: the stream is still usable.
type EncodeError struct{ Err error }

// Error returns the encoding failure's text.
func (e *EncodeError) Error() string { return e.Err.Error() }

// Unwrap returns the encoding failure.
func (e *EncodeError) Unwrap() error { return e.Err }

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
	b := append(*buf, make([]byte, PrefixSize)...)
	copy(b[PrefixSize:], b[:n])
	binary.BigEndian.PutUint32(b, uint32(n))
	*buf = b
	return nil
}

// ReadHeader reads the next frame, checks that it holds exactly a header
// and a body, and decodes the header into h. It leaves the frame in place
// for ReadBody. It blocks until a whole frame has arrived, rwc fails or is
// closed; a clean end of rwc between frames is io.EOF.
func (c *Conn) ReadHeader(h interface{}) error {
	c.release()
	if _, err := c.readFull(c.prefix[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return fmt.Errorf("codec: truncated frame length: %w", err)
		}
		return err // io.EOF between messages is a clean end
	}
	n := binary.BigEndian.Uint32(c.prefix[:])
	if n > MaxMessageSize {
		return fmt.Errorf("codec: peer announced a %d-byte message, limit %d: %w", n, MaxMessageSize, ErrTooLarge)
	}
	if err := c.readFrame(int(n)); err != nil {
		c.release()
		return fmt.Errorf("codec: truncated frame (want %d bytes): %w", n, unexpected(err))
	}
	if err := CheckValues(*c.frame, 2); err != nil {
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

// ReadChunk is the most a codec allocates for a frame ahead of the bytes
// that arrive: a frame larger than the pooled buffer grows in steps as
// its bytes come in, so a peer that announces a large frame and then
// sends little costs little memory.
const ReadChunk = 256 << 10

// readFrame reads an n-byte frame from rwc into c.frame.
func (c *Conn) readFrame(n int) error {
	bufp := bufferPool.Get().(*[]byte)
	c.frame = bufp
	buf := (*bufp)[:0]
	if cap(buf) < n && n <= ReadChunk {
		buf = make([]byte, 0, n)
	}
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, max(2*cap(buf), ReadChunk)))
			copy(grown, buf)
			buf = grown
		}
		m, err := c.readFull(buf[len(buf):min(n, cap(buf))])
		buf = buf[:len(buf)+m]
		*bufp = buf
		if err != nil {
			return err
		}
	}
	*bufp = buf
	return nil
}

// smallRead and aheadSize are the read-ahead buffers' sizes. A Conn waits
// for the next message reading into an inline buffer of smallRead bytes, so
// that an idle one holds no pooled buffer; when a read fills it (more bytes
// are likely waiting: a burst of one-way calls), the next reads ask rwc for
// aheadSize bytes at once, into a pooled buffer released as soon as it is
// used up. A burst of small messages thus costs one Read of the stream per
// aheadSize bytes, not two per message.
const (
	smallRead = 128
	aheadSize = 16 << 10
)

var aheadPool = sync.Pool{New: func() any { b := make([]byte, aheadSize); return &b }}

// readFull fills p, from the bytes read ahead first; a read larger than
// aheadSize goes straight into p.
func (c *Conn) readFull(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(c.ahead) > 0 {
			k := copy(p[n:], c.ahead)
			n += k
			c.ahead = c.ahead[k:]
			if len(c.ahead) == 0 {
				c.releaseAhead()
			}
			continue
		}
		if len(p)-n >= aheadSize {
			k, err := io.ReadFull(c.rwc, p[n:])
			return n + k, err
		}
		buf := c.small[:]
		if c.busy {
			c.pooled = aheadPool.Get().(*[]byte)
			buf = *c.pooled
		}
		k, err := io.ReadAtLeast(c.rwc, buf, 1)
		c.busy = k == len(buf)
		c.ahead = buf[:k]
		if k == 0 {
			c.releaseAhead()
			if n > 0 && err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
	}
	return n, nil
}

// releaseAhead returns the pooled read-ahead buffer, if one is held.
func (c *Conn) releaseAhead() {
	c.ahead = nil
	if c.pooled != nil {
		aheadPool.Put(c.pooled)
		c.pooled = nil
	}
}

// Buffered reports how many bytes of the stream have been read ahead and
// wait for the next ReadHeader: a reader that finds none may let another
// goroutine wait for the next message.
func (c *Conn) Buffered() int { return len(c.ahead) }

// ReadBody decodes the body of the frame whose header was just read into
// body, or discards it when body is nil, and releases the frame. It never
// blocks.
func (c *Conn) ReadBody(body interface{}) error {
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
func (c *Conn) release() {
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

// Close closes rwc exactly once; later calls return the first call's
// result.
func (c *Conn) Close() error {
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
